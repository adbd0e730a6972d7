// URL parsing and Retry-After reading for the HTTP client.
#include <gtest/gtest.h>

#include "runwatch/net/retry_after.h"
#include "runwatch/net/url.h"

namespace runwatch {
namespace {

using std::chrono::seconds;

TEST(NetUrl, ParsesSchemeHostPortAndTarget) {
  Url url = parse_url("https://hooks.slack.com/services/T0/B0/x?a=1&b=2");
  EXPECT_EQ(url.scheme, "https");
  EXPECT_EQ(url.host, "hooks.slack.com");
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.target, "/services/T0/B0/x?a=1&b=2");
  EXPECT_TRUE(url.https());
  EXPECT_EQ(url.authority(), "hooks.slack.com:443");
}

TEST(NetUrl, DefaultsAndEdgeForms) {
  Url plain = parse_url("HTTP://example.org");
  EXPECT_EQ(plain.scheme, "http");
  EXPECT_EQ(plain.port, 80);
  EXPECT_EQ(plain.target, "/");
  EXPECT_FALSE(plain.https());

  EXPECT_EQ(parse_url("http://127.0.0.1:8080/hook#part").target, "/hook");
  EXPECT_EQ(parse_url("http://127.0.0.1:8080/hook#part").port, 8080);
  EXPECT_EQ(parse_url("http://example.org?q=1").target, "/?q=1");

  Url v6 = parse_url("http://[::1]:9000/x");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 9000);
  EXPECT_EQ(v6.authority(), "[::1]:9000");
  EXPECT_EQ(parse_url("https://[::1]/").port, 443);
}

void expect_error(const std::string& url, const std::string& message) {
  try {
    parse_url(url);
    ADD_FAILURE() << url << " was accepted";
  } catch (const UrlError& e) {
    EXPECT_EQ(e.what(), message);
  }
}

TEST(NetUrl, RejectsWhatCannotBeUsedWithReasons) {
  expect_error("", "Invalid URL: it is empty");
  expect_error("hooks.slack.com/x", "Invalid URL 'hooks.slack.com/x': no scheme (expected http:// or https://)");
  expect_error("://x", "Invalid URL '://x': no scheme (expected http:// or https://)");
  expect_error("ftp://x/y", "Invalid URL 'ftp://x/y': unsupported scheme 'ftp' (expected http or https)");
  expect_error("http:///path", "Invalid URL 'http:///path': no host");
  expect_error("http://:80/", "Invalid URL 'http://:80/': no host");
  expect_error("http://host:abc/", "Invalid URL 'http://host:abc/': invalid port 'abc'");
  expect_error("http://host:/", "Invalid URL 'http://host:/': empty port");
  expect_error("http://host:0/", "Invalid URL 'http://host:0/': port 0 is out of range (1-65535)");
  expect_error("http://host:70000/", "Invalid URL 'http://host:70000/': port 70000 is out of range (1-65535)");
  expect_error("http://user:pw@host/",
               "Invalid URL 'http://user:pw@host/': credentials in the URL are not supported; pass them in a header");
  expect_error("http://host/a b", "Invalid URL 'http://host/a b': it contains whitespace or control characters");
  expect_error("http://[::1/", "Invalid URL 'http://[::1/': unterminated IPv6 address");
  expect_error("http://[::1]x/", "Invalid URL 'http://[::1]x/': unexpected text after the IPv6 address");
}

TEST(NetRetryAfter, ReadsSecondsAndHttpDates) {
  TimePoint now = std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(parse_retry_after("120", now), seconds(120));
  EXPECT_EQ(parse_retry_after(" 0 ", now), seconds(0));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now), seconds(30));
  EXPECT_EQ(parse_retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", now), seconds(60));
  EXPECT_EQ(parse_retry_after("Wed Oct 21 07:28:05 2015", now), seconds(5));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), seconds(0));  // already past
}

TEST(NetRetryAfter, IgnoresWhatIsNeither) {
  TimePoint now{};
  EXPECT_EQ(parse_retry_after("", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("1.5", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT trailing", now), std::nullopt);
}

TEST(ReceiverOf, IsTheUrlWithoutItsQuery) {
  EXPECT_EQ(receiver_of("https://hooks.slack.com/services/T/B/X?thread=1"),
            "https://hooks.slack.com:443/services/T/B/X");
  EXPECT_EQ(receiver_of("http://[::1]:8080/hook"), "http://[::1]:8080/hook");
  EXPECT_EQ(receiver_of("HTTP://Example.com"), "http://example.com:80/");
}

TEST(ReceiverOf, AServerIsItsSchemeItsHostInLowerCaseAndItsPort) {
  EXPECT_EQ(endpoint_of("smtp", "Mail.Example.COM", 465), "smtp://mail.example.com:465");
  EXPECT_EQ(endpoint_of("smtp", "FE80::1", 25), "smtp://[fe80::1]:25");
}

TEST(ReceiverOf, TextThatIsNotAUrlIsItsOwnReceiver) {
  EXPECT_EQ(receiver_of("smtp://mail:25"), "smtp://mail:25");
  EXPECT_EQ(receiver_of("https://hooks.example/\x01"), "https://hooks.example/\x01");  // a control character
  const std::string huge = "https://hooks.example/" + std::string(100'000, 'a') + "?q=" + std::string(100'000, 'b');
  EXPECT_EQ(receiver_of(huge), "https://hooks.example:443/" + std::string(100'000, 'a'));
  EXPECT_EQ(receiver_of("https://hooks.example/\xff\xfe"), "https://hooks.example:443/\xff\xfe");  // not UTF-8
}

}  // namespace
}  // namespace runwatch
