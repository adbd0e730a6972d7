// TLS listeners: both servers speak HTTPS only with PEM files, and refuse files that are
// not a certificate and its key.
#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <fstream>

#include "engine_fixture.h"
#include "runwatch/api/api_server.h"
#include "runwatch/server/management_server.h"
#include "store_test_support.h"

namespace runwatch::testing {
namespace {

// A self-signed certificate for localhost (P-256), valid for an hour.
void write_self_signed(const std::filesystem::path& certificate, const std::filesystem::path& key) {
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  X509* x509 = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(x509), 1);
  X509_gmtime_adj(X509_getm_notBefore(x509), 0);
  X509_gmtime_adj(X509_getm_notAfter(x509), 3600);
  X509_set_pubkey(x509, pkey);
  X509_NAME* name = X509_get_subject_name(x509);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x509, name);
  X509_sign(x509, pkey, EVP_sha256());
  FILE* out = std::fopen(certificate.c_str(), "w");
  PEM_write_X509(out, x509);
  std::fclose(out);
  out = std::fopen(key.c_str(), "w");
  PEM_write_PrivateKey(out, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(out);
  X509_free(x509);
  EVP_PKEY_free(pkey);
}

class TlsTest : public EngineTest {
 protected:
  TempFolder folder;
  TlsSettings tls{true, (folder / "cert.pem").string(), (folder / "key.pem").string()};

  void SetUp() override { write_self_signed(tls.certificate_path, tls.key_path); }

  static std::unique_ptr<httplib::SSLClient> https_client(int port) {
    auto client = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
    client->enable_server_certificate_verification(false);  // self-signed
    client->set_connection_timeout(5);
    client->set_read_timeout(5);
    return client;
  }
};

TEST_F(TlsTest, TheApiServesHttpsOnly) {
  add("id: hello\nnamespace: company.team\ntasks:\n  - id: hi\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n");
  ApiOptions options;
  options.port = 0;
  options.tls = tls;
  ApiServer server(options, engine);
  EXPECT_TRUE(server.tls());
  auto answer = https_client(server.port())->Post("/api/v1/executions/company.team/hello?wait=true", "{}",
                                                  "application/json");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(Value::parse(answer->body)["state"]["current"], "SUCCESS");
  httplib::Client plain("127.0.0.1", server.port());
  plain.set_read_timeout(5);
  auto refused = plain.Get("/api/v1/flows/company.team");
  EXPECT_TRUE(!refused || refused->status != 200);
  server.stop();
}

TEST_F(TlsTest, TheManagementServerServesHttpsToo) {
  ManagementOptions options;
  options.port = 0;
  options.tls = tls;
  ManagementServer server(options, engine.management_sources());
  auto answer = https_client(server.port())->Get("/health/liveness");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  server.stop();
}

TEST_F(TlsTest, FilesThatAreNotACertificateAndItsKeyAreRefusedNamingThem) {
  std::ofstream(folder / "not.pem") << "hello\n";
  ApiOptions options;
  options.port = 0;
  options.tls = {true, (folder / "not.pem").string(), tls.key_path};
  try {
    ApiServer server(options, engine);
    FAIL() << "started";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_EQ(message.rfind("The API server cannot use the TLS certificate '" + options.tls.certificate_path +
                                "' with the key '" + tls.key_path + "': ",
                            0),
              0u)
        << message;
  }
}

}  // namespace
}  // namespace runwatch::testing
