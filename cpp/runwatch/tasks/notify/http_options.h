#pragma once
// The HTTP client settings a task's `options` property asks for, in the spellings of
// Kestra's notification RequestOptions (connectTimeout, readTimeout, headers) and of its
// core HttpConfiguration (timeout.connectTimeout, timeout.readIdleTimeout,
// followRedirects, ssl.insecureTrustAllCertificates). runwatch adds ssl.caFile: a PEM
// file trusted besides the system's CA bundle.
#include "runwatch/model/value.h"
#include "runwatch/net/http_client.h"

namespace runwatch {

HttpClientOptions client_options(const Value& properties);
// options.headers, in order.
HttpHeaders option_headers(const Value& properties);

}  // namespace runwatch
