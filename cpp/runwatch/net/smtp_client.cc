#include "runwatch/net/smtp_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>

#include "runwatch/crypto/base64.h"
#include "runwatch/net/url.h"

namespace runwatch {

using crypto::base64_encode;
namespace {

using SteadyClock = std::chrono::steady_clock;

// Base64 lines of a part, as RFC 2045 asks (at most 76 characters).
constexpr std::size_t kBase64Line = 76;
// The whole conversation may take this many timeouts: a server that answers, but a
// byte at a time, cannot hold a worker for ever.
constexpr int kSessionTimeouts = 6;

int default_port(SmtpTransport transport) {
  switch (transport) {
    case SmtpTransport::Smtp:
      return 25;
    case SmtpTransport::Smtps:
      return 465;
    case SmtpTransport::StartTls:
      return 587;
  }
  return 25;
}

std::string tls_failure(const std::string& what) {
  unsigned long code = ERR_get_error();
  char text[256] = "";
  if (code != 0) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return what + (code != 0 ? std::string(": ") + text : std::string());
}

struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};

// One SMTP connection: a socket with deadlines, TLS once asked for, and replies read line
// by line.
class Session {
 public:
  explicit Session(const SmtpOptions& options)
      : options_(options), where_(options.host + ":" + std::to_string(smtp_port(options))), replies_(where_) {
    connect();
    if (options.transport == SmtpTransport::Smtps) start_tls();
  }
  ~Session() {
    if (ssl_) SSL_shutdown(ssl_.get());
    if (fd_ >= 0) ::close(fd_);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const std::string& where() const { return where_; }

  void start_tls() {
    // Bytes sent before the handshake would be read as if they came over TLS.
    if (!replies_.empty())
      throw SmtpError("The mail server " + where_ + " sent more than its answer to STARTTLS; refused", false);
    ctx_.reset(SSL_CTX_new(TLS_client_method()));
    if (!ctx_) throw SmtpError(tls_failure("Could not set up TLS"), false);
    SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_2_VERSION);
    if (options_.verify_certificate) {
      SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
      SSL_CTX_set_default_verify_paths(ctx_.get());
      if (!options_.extra_ca_file.empty() &&
          SSL_CTX_load_verify_locations(ctx_.get(), options_.extra_ca_file.c_str(), nullptr) != 1)
        throw SmtpError(tls_failure("Could not load the CA file '" + options_.extra_ca_file + "'"), false);
    }
    ssl_.reset(SSL_new(ctx_.get()));
    if (!ssl_ || SSL_set_fd(ssl_.get(), fd_) != 1) throw SmtpError(tls_failure("Could not set up TLS"), false);
    SSL_set_tlsext_host_name(ssl_.get(), options_.host.c_str());
    if (options_.verify_certificate && options_.verify_host_name) SSL_set1_host(ssl_.get(), options_.host.c_str());
    if (SSL_connect(ssl_.get()) != 1) {
      long verify = SSL_get_verify_result(ssl_.get());
      if (verify != X509_V_OK)
        throw SmtpError(
            "The TLS certificate of " + where_ + " is not trusted: " + X509_verify_cert_error_string(verify), false);
      throw SmtpError(tls_failure("The TLS handshake with " + where_ + " failed"), true);
    }
  }

  SmtpReply reply() {
    for (;;) {
      if (auto reply = replies_.next()) return std::move(*reply);
      replies_.feed(receive());
    }
  }

  // Sends `line` (CRLF added) and reads the reply; a code other than `expected` (or
  // `also`) is an SmtpError that says what was refused.
  std::string command(const std::string& line, int expected, const std::string& what, int also = 0) {
    write(line + "\r\n");
    return expect(expected, what, also);
  }

  std::string expect(int expected, const std::string& what, int also = 0) {
    auto [code, text] = reply();
    if (code != expected && code != also)
      throw SmtpError(where_ + " refused " + what + ": " + std::to_string(code) + " " + text,
                      code >= 400 && code < 500);
    return std::to_string(code) + " " + text;
  }

  void write(std::string_view data) {
    while (!data.empty()) {
      wait_for(POLLOUT, "sending");
      long n = ssl_ ? SSL_write(ssl_.get(), data.data(), static_cast<int>(std::min<std::size_t>(data.size(), 1 << 20)))
                    : ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) {
        if (!ssl_ && (errno == EAGAIN || errno == EINTR)) continue;
        throw SmtpError("The connection to " + where_ + " broke while sending", true);
      }
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

 private:
  void connect() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(smtp_port(options_));
    if (int rc = getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &found); rc != 0)
      throw SmtpError("Could not resolve the mail server '" + options_.host + "': " + gai_strerror(rc), true);
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, freeaddrinfo);
    session_end_ = SteadyClock::now() + options_.timeout * kSessionTimeouts;
    deadline_ = SteadyClock::now() + options_.timeout;
    std::string failure = "no address";
    for (addrinfo* a = found; a; a = a->ai_next) {
      fd_ = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
      if (fd_ < 0) continue;
      if (::connect(fd_, a->ai_addr, a->ai_addrlen) == 0 || (errno == EINPROGRESS && connected())) {
        // Blocking from here (TLS needs it), each call bounded by the timeout.
        ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
        timeval limit{};
        limit.tv_sec = std::chrono::duration_cast<std::chrono::seconds>(options_.timeout).count();
        limit.tv_usec = std::chrono::duration_cast<std::chrono::microseconds>(options_.timeout).count() % 1000000;
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
        return;
      }
      failure = std::strerror(errno);
      ::close(fd_);
      fd_ = -1;
    }
    throw SmtpError("Could not connect to the mail server " + where_ + ": " + failure, true);
  }

  bool connected() {
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, remaining_ms()) != 1) {
      errno = ETIMEDOUT;
      return false;
    }
    int error = 0;
    socklen_t size = sizeof error;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &size);
    errno = error;
    return error == 0;
  }

  int remaining_ms() const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - SteadyClock::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, 1 << 30));
  }

  // Every read and write gets the whole timeout again (a slow but living server passes),
  // within the session's limit.
  void wait_for(short events, const char* doing) {
    deadline_ = std::min(SteadyClock::now() + options_.timeout, session_end_);
    if (ssl_ && (events & POLLIN) && SSL_pending(ssl_.get()) > 0) return;
    pollfd p{fd_, events, 0};
    int rc;
    do rc = ::poll(&p, 1, remaining_ms());
    while (rc < 0 && errno == EINTR);
    if (rc == 1) return;
    if (deadline_ == session_end_)
      throw SmtpError("The mail server " + where_ + " did not finish the conversation within " +
                          std::to_string(kSessionTimeouts) + " timeouts (" +
                          format_duration(options_.timeout * kSessionTimeouts) + ")",
                      true);
    throw SmtpError(std::string("The mail server ") + where_ + " did not answer in time (" + doing + "; timeout " +
                        format_duration(options_.timeout) + ")",
                    true);
  }

  std::string receive() {
    for (;;) {
      wait_for(POLLIN, "waiting for its reply");
      char chunk[4096];
      long n = ssl_ ? SSL_read(ssl_.get(), chunk, sizeof chunk) : ::recv(fd_, chunk, sizeof chunk, 0);
      if (n > 0) return std::string(chunk, static_cast<std::size_t>(n));
      if (!ssl_ && n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (ssl_ && SSL_get_error(ssl_.get(), static_cast<int>(n)) == SSL_ERROR_WANT_READ) continue;
      throw SmtpError("The mail server " + where_ + " closed the connection", true);
    }
  }

  const SmtpOptions& options_;
  std::string where_;
  int fd_ = -1;
  SteadyClock::time_point deadline_;
  SteadyClock::time_point session_end_;
  std::unique_ptr<SSL_CTX, SslFree> ctx_;
  std::unique_ptr<SSL, SslFree> ssl_;
  SmtpReplyReader replies_;
};

// RFC 5322's date: "Sun, 06 Dec 2026 09:42:14 +0000".
std::string mail_date(TimePoint at) {
  std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return text;
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// RFC 2047: a header value that is not ASCII, as encoded words of UTF-8.
std::string header_text(std::string_view text) {
  if (is_ascii(text)) return std::string(text);
  return "=?UTF-8?B?" + base64_encode(text) + "?=";
}

std::string base64_lines(std::string_view data) {
  std::string encoded = base64_encode(data);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += kBase64Line) out += encoded.substr(i, kBase64Line) + "\r\n";
  return out;
}

std::string part(std::string_view content_type, std::string_view text) {
  return "Content-Type: " + std::string(content_type) + "; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
         base64_lines(text);
}

std::string joined(const std::vector<std::string>& addresses) {
  std::string out;
  for (const auto& a : addresses) out += (out.empty() ? "" : ", ") + a;
  return out;
}

// RFC 5321: a line of DATA that starts with a dot gets a second one.
std::string dot_stuffed(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 16);
  bool line_start = true;
  for (char c : text) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  return out;
}

void authenticate(Session& session, const SmtpOptions& options, const std::string& extensions) {
  auto offers = [&](std::string_view mechanism) {
    for (std::size_t at = extensions.find("AUTH"); at != std::string::npos; at = extensions.find("AUTH", at + 4)) {
      std::size_t end = extensions.find('\n', at);
      std::string_view line(extensions.data() + at, (end == std::string::npos ? extensions.size() : end) - at);
      if (line.find(mechanism) != std::string_view::npos) return true;
    }
    return false;
  };
  const std::string& user = *options.username;
  const std::string password = options.password.value_or("");
  if (offers("PLAIN")) {
    session.command("AUTH PLAIN " + base64_encode(std::string(1, '\0') + user + std::string(1, '\0') + password), 235,
                    "the credentials of '" + user + "'");
  } else if (offers("LOGIN")) {
    session.command("AUTH LOGIN", 334, "AUTH LOGIN");
    session.command(base64_encode(user), 334, "the user name '" + user + "'");
    session.command(base64_encode(password), 235, "the credentials of '" + user + "'");
  } else {
    throw SmtpError("The mail server " + session.where() + " offers neither AUTH PLAIN nor AUTH LOGIN", false);
  }
}

}  // namespace

int smtp_port(const SmtpOptions& options) { return options.port ? options.port : default_port(options.transport); }

std::optional<SmtpTransport> parse_smtp_transport(std::string_view name) {
  if (name == "SMTP") return SmtpTransport::Smtp;
  if (name == "SMTPS") return SmtpTransport::Smtps;
  if (name == "SMTP_TLS") return SmtpTransport::StartTls;
  return std::nullopt;
}

std::string mail_address(std::string_view text) {
  auto trim = [](std::string_view s) {
    auto first = s.find_first_not_of(" \t");
    auto last = s.find_last_not_of(" \t");
    return first == std::string_view::npos ? std::string_view() : s.substr(first, last - first + 1);
  };
  std::string_view address = trim(text);
  if (auto open = address.find('<'); open != std::string_view::npos && address.ends_with('>') &&
                                     address.substr(0, open).find_first_of("<>\r\n") == std::string_view::npos)
    address = address.substr(open + 1, address.size() - open - 2);
  auto at = address.find('@');
  if (address.empty() || at == 0 || at == std::string_view::npos || at + 1 == address.size() ||
      address.find_first_of(" \t\r\n<>,;\"") != std::string_view::npos || !is_ascii(address))
    throw Error("'" + std::string(text.substr(0, 200)) + "' is not an email address");
  return std::string(address);
}

std::vector<std::string> split_addresses(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of(";,", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    if (item.find_first_not_of(" \t") != std::string_view::npos) out.emplace_back(item);
    start = end + 1;
  }
  return out;
}

std::string mime_message(const MailMessage& m) {
  std::vector<std::string_view> headers = {m.from, m.subject, m.message_id};
  headers.insert(headers.end(), m.to.begin(), m.to.end());
  headers.insert(headers.end(), m.cc.begin(), m.cc.end());
  for (std::string_view header : headers)
    if (has_line_break(header)) throw Error("A mail header cannot hold a line break");
  std::string out = "From: " + header_text(m.from) + "\r\nTo: " + joined(m.to) + "\r\n";
  if (!m.cc.empty()) out += "Cc: " + joined(m.cc) + "\r\n";
  out += "Subject: " + header_text(m.subject) + "\r\nDate: " + mail_date(m.date) + "\r\nMessage-ID: <" + m.message_id +
         ">\r\nMIME-Version: 1.0\r\n";
  if (m.plain_text.empty() || m.html_text.empty())
    return out +
           part(m.html_text.empty() ? "text/plain" : "text/html", m.html_text.empty() ? m.plain_text : m.html_text);
  const std::string boundary = "runwatch-" + m.message_id;
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  out += "--" + boundary + "\r\n" + part("text/plain", m.plain_text);
  out += "--" + boundary + "\r\n" + part("text/html", m.html_text);
  return out + "--" + boundary + "--\r\n";
}

SmtpReceipt send_mail(const SmtpOptions& options, const MailMessage& message) {
  const std::string from = mail_address(message.from);
  std::vector<std::string> recipients;
  for (const auto* list : {&message.to, &message.cc})
    for (const auto& r : *list) recipients.push_back(mail_address(r));
  if (recipients.empty()) throw Error("A mail needs at least one recipient");
  const std::string data = dot_stuffed(mime_message(message));

  const auto started = SteadyClock::now();
  Session session(options);
  session.expect(220, "the connection");
  std::string extensions = session.command("EHLO localhost", 250, "EHLO");
  const bool offers_tls = extensions.find("STARTTLS") != std::string::npos;
  // SMTP upgrades when the server offers it, as Kestra's (opportunistic STARTTLS).
  if (options.transport == SmtpTransport::StartTls || (options.transport == SmtpTransport::Smtp && offers_tls)) {
    if (!offers_tls)
      throw SmtpError("The mail server " + session.where() + " does not offer STARTTLS (transportStrategy SMTP_TLS)",
                      false);
    session.command("STARTTLS", 220, "STARTTLS");
    session.start_tls();
    extensions = session.command("EHLO localhost", 250, "EHLO");
  }
  if (options.username) authenticate(session, options, extensions);
  session.command("MAIL FROM:<" + from + ">", 250, "the sender <" + from + ">");
  for (const auto& r : recipients) session.command("RCPT TO:<" + r + ">", 250, "the recipient <" + r + ">", 251);
  session.command("DATA", 354, "DATA");
  session.write(data);
  std::string reply = session.command(".", 250, "the message");
  try {
    session.command("QUIT", 221, "QUIT");
  } catch (const SmtpError&) {
    // The message is accepted; a server that ends the session its own way changes nothing.
  }
  return {reply, std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started)};
}

}  // namespace runwatch
