#pragma once
// Local endpoints for the net/ and notify/ tests: httplib servers on 127.0.0.1 (plain or
// TLS with a self-signed certificate made here), a raw socket server that answers
// garbage, a port nobody listens on, and a driver that moves a manual clock whenever a
// backoff waits on it.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "runwatch/model/clock.h"

namespace runwatch::testing {

// An httplib server listening on 127.0.0.1 on a free port while it lives. Register
// handlers on server() before start().
class LocalServer {
 public:
  LocalServer() : server_(std::make_unique<httplib::Server>()), scheme_("http") {}
  LocalServer(const std::string& cert_file, const std::string& key_file)
      : server_(std::make_unique<httplib::SSLServer>(cert_file.c_str(), key_file.c_str())), scheme_("https") {}
  ~LocalServer() { stop(); }

  httplib::Server& server() { return *server_; }

  void start() {
    port_ = server_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("could not bind a local server");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::yield();
  }
  void stop() {
    if (!thread_.joinable()) return;
    server_->stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string url(const std::string& path = "/") const {
    return scheme_ + "://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::string scheme_;
  int port_ = 0;
  std::thread thread_;
};

// A request as a handler saw it.
struct Received {
  std::string method;
  std::string path;
  httplib::Headers headers;
  std::string body;
  std::string target;  // the path and query as sent

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// Records every request; thread-safe.
class Recorder {
 public:
  void add(const httplib::Request& request) {
    std::lock_guard lock(mutex_);
    received_.push_back({request.method, request.path, request.headers, request.body, request.target});
  }
  std::vector<Received> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  size_t count() const {
    std::lock_guard lock(mutex_);
    return received_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Received> received_;
};

// Holds handlers until opened, so a test can make an endpoint slow without sleeping.
class Gate {
 public:
  ~Gate() { open(); }
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    cv_.notify_all();
  }
  // Returns once open, or after `limit` so a broken test cannot hang the server.
  void pass(std::chrono::seconds limit = std::chrono::seconds(20)) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, limit, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

// A socket listening on a free port of 127.0.0.1; the port is written to `port`.
inline int listen_on_loopback(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 8) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0)
    throw std::runtime_error("could not listen on 127.0.0.1");
  port = ntohs(addr.sin_port);
  return fd;
}

// A TCP server that answers each connection with fixed bytes and closes it.
class RawServer {
 public:
  explicit RawServer(std::string answer) : answer_(std::move(answer)) {
    fd_ = listen_on_loopback(port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~RawServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url(const std::string& path = "/") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  void serve() {
    for (;;) {
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      char buffer[4096];
      [[maybe_unused]] auto got = ::recv(client, buffer, sizeof buffer, 0);
      [[maybe_unused]] auto sent = ::send(client, answer_.data(), answer_.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  }

  std::string answer_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

// A TCP server that speaks first, as mail servers do: on a connection it sends answers[0],
// then answers[i] after the i-th line it receives; then it reads and drops until the
// client leaves. With a byte pause, each answer goes out a byte at a time.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::string> answers,
                          std::chrono::milliseconds byte_pause = std::chrono::milliseconds(0))
      : answers_(std::move(answers)), byte_pause_(byte_pause) {
    fd_ = listen_on_loopback(port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  // Every line the client sent, CRLF removed.
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  void serve() {
    int client = ::accept(fd_, nullptr, nullptr);
    if (client < 0) return;
    std::string pending;
    for (std::size_t next = 0;; ++next) {
      if (next < answers_.size() && !send_answer(client, answers_[next])) break;
      std::size_t end;
      while ((end = pending.find("\r\n")) == std::string::npos) {
        char buffer[4096];
        auto got = ::recv(client, buffer, sizeof buffer, 0);
        if (got <= 0) {
          ::close(client);
          return;
        }
        pending.append(buffer, static_cast<std::size_t>(got));
      }
      std::lock_guard lock(mutex_);
      lines_.push_back(pending.substr(0, end));
      pending.erase(0, end + 2);
    }
    ::close(client);
  }
  bool send_answer(int client, const std::string& answer) {
    if (byte_pause_.count() == 0) return ::send(client, answer.data(), answer.size(), MSG_NOSIGNAL) >= 0;
    for (char c : answer) {
      if (::send(client, &c, 1, MSG_NOSIGNAL) != 1) return false;
      std::this_thread::sleep_for(byte_pause_);
    }
    return true;
  }

  std::vector<std::string> answers_;
  std::chrono::milliseconds byte_pause_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

// A port on 127.0.0.1 where nothing listens: bound once, then released.
inline int unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A self-signed certificate for 127.0.0.1 and localhost (its own CA), with its key, as
// PEM files in a temporary folder removed with it.
class SelfSignedCertificate {
 public:
  SelfSignedCertificate() {
    char pattern[] = "/tmp/runwatch-tls-XXXXXX";
    if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    folder_ = pattern;
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    add_extension(cert, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    X509_sign(cert, key, EVP_sha256());
    write(cert_file(), [&](FILE* f) { return PEM_write_X509(f, cert); });
    write(key_file(), [&](FILE* f) { return PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr); });
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  ~SelfSignedCertificate() { std::filesystem::remove_all(folder_); }

  std::string cert_file() const { return (folder_ / "cert.pem").string(); }
  std::string key_file() const { return (folder_ / "key.pem").string(); }

 private:
  static void add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  template <typename Fn>
  static void write(const std::string& path, Fn&& fn) {
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f || fn(f) != 1) throw std::runtime_error("could not write " + path);
    std::fclose(f);
  }

  std::filesystem::path folder_;
};

// Returns once `predicate` holds (checked as the other thread makes progress), or after
// 20 s of real time so that a broken test fails instead of hanging.
template <typename Predicate>
bool eventually(Predicate&& predicate) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

}  // namespace runwatch::testing
