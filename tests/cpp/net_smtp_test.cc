// What the mail client puts on the wire before any server is involved: addresses, the
// MIME message, and the transport names. The conversation itself is tested against a
// real SMTP server (aiosmtpd) in tests/python/test_mail.py.
#include <gtest/gtest.h>

#include "runwatch/crypto/base64.h"
#include "runwatch/net/smtp_client.h"

namespace runwatch {
namespace {

MailMessage message() {
  MailMessage m;
  m.from = "Runwatch <runwatch@example.com>";
  m.to = {"oncall@example.com", "Data Team <data@example.com>"};
  m.cc = {"lead@example.com"};
  m.subject = "[company.team] etl failed";
  m.plain_text = "plain body";
  m.html_text = "<p>html body</p>";
  m.message_id = "exec-1.tr-2@runwatch";
  m.date = TimePoint(std::chrono::seconds(1796550134));  // 2026-12-06T09:42:14Z
  return m;
}

TEST(NetSmtp, AddressesAreTakenFromTheirDisplayFormAndCheckedForWhatSmtpCannotCarry) {
  EXPECT_EQ(mail_address("a@b.io"), "a@b.io");
  EXPECT_EQ(mail_address("  Data Team <data@example.com> "), "data@example.com");
  for (const char* bad : {"", "no-at-sign", "@example.com", "user@", "a b@c.d", "a@b\r\nRCPT TO:<x@y>", "<a@b>c@d",
                          "caf\xC3\xA9@example.com"})
    EXPECT_THROW(mail_address(bad), Error) << bad;
  try {
    mail_address("a@b\r\nDATA");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "'a@b\r\nDATA' is not an email address");
  }
}

TEST(NetSmtp, RecipientListsSplitOnSemicolonsAndCommasAsKestrasDo) {
  EXPECT_EQ(split_addresses("a@x.io; b@x.io,c@x.io ;; "), (std::vector<std::string>{"a@x.io", " b@x.io", "c@x.io "}));
  EXPECT_EQ(split_addresses(""), std::vector<std::string>{});
}

TEST(NetSmtp, TransportStrategiesAreKestrasNames) {
  EXPECT_EQ(parse_smtp_transport("SMTP"), SmtpTransport::Smtp);
  EXPECT_EQ(parse_smtp_transport("SMTPS"), SmtpTransport::Smtps);
  EXPECT_EQ(parse_smtp_transport("SMTP_TLS"), SmtpTransport::StartTls);
  EXPECT_EQ(parse_smtp_transport("SMTP_OAUTH2"), std::nullopt);
  EXPECT_EQ(parse_smtp_transport("smtps"), std::nullopt);
}

TEST(NetSmtp, TwoPartsMakeAMultipartAlternativeWithBase64Parts) {
  const std::string boundary = "runwatch-exec-1.tr-2@runwatch";
  EXPECT_EQ(mime_message(message()),
            "From: Runwatch <runwatch@example.com>\r\n"
            "To: oncall@example.com, Data Team <data@example.com>\r\n"
            "Cc: lead@example.com\r\n"
            "Subject: [company.team] etl failed\r\n"
            "Date: Sun, 06 Dec 2026 09:42:14 +0000\r\n"
            "Message-ID: <exec-1.tr-2@runwatch>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/alternative; boundary=\"" +
                boundary +
                "\"\r\n\r\n"
                "--" +
                boundary +
                "\r\n"
                "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
                crypto::base64_encode("plain body") + "\r\n--" + boundary +
                "\r\n"
                "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
                crypto::base64_encode("<p>html body</p>") + "\r\n--" + boundary + "--\r\n");
}

TEST(NetSmtp, OnePartIsTheMessageItselfAndLongPartsAreCutInLinesOf76) {
  MailMessage m = message();
  m.html_text.clear();
  m.cc.clear();
  m.plain_text = std::string(100, 'x');
  std::string text = mime_message(m);
  EXPECT_EQ(text.find("Cc:"), std::string::npos);
  EXPECT_EQ(text.find("multipart"), std::string::npos);
  std::string encoded = crypto::base64_encode(m.plain_text);
  EXPECT_TRUE(text.ends_with("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
                             encoded.substr(0, 76) + "\r\n" + encoded.substr(76) + "\r\n"))
      << text;
}

TEST(NetSmtp, ASubjectThatIsNotAsciiIsAnEncodedWordAndALineBreakInAHeaderIsRefused) {
  MailMessage m = message();
  m.subject = "etl \xE2\x9E\x9B FAILED";
  EXPECT_NE(mime_message(m).find("Subject: =?UTF-8?B?" + crypto::base64_encode(m.subject) + "?=\r\n"),
            std::string::npos);
  m.subject = "hi\r\nBcc: everyone@example.com";
  EXPECT_THROW(mime_message(m), Error);
  m = message();
  m.to = {"a@b.io\r\nBcc: x@y.io"};
  EXPECT_THROW(mime_message(m), Error);
}

TEST(NetSmtp, NoRecipientOrABadAddressFailsBeforeAnyConnection) {
  MailMessage m = message();
  SmtpOptions options;
  options.host = "203.0.113.1";  // never reached: the checks come first
  m.to.clear();
  m.cc.clear();
  EXPECT_THROW(send_mail(options, m), Error);
  m = message();
  m.cc = {"not an address"};
  try {
    send_mail(options, m);
    FAIL();
  } catch (const SmtpError&) {
    FAIL() << "connected before checking the addresses";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "'not an address' is not an email address");
  }
}

TEST(NetSmtp, AClosedPortIsATransientErrorNamingTheServer) {
  MailMessage m = message();
  SmtpOptions options;
  options.host = "127.0.0.1";
  options.port = 1;  // nothing listens on tcpmux
  options.transport = SmtpTransport::Smtp;
  try {
    send_mail(options, m);
    FAIL();
  } catch (const SmtpError& e) {
    EXPECT_TRUE(e.transient());
    EXPECT_EQ(std::string(e.what()), "Could not connect to the mail server 127.0.0.1:1: Connection refused");
  }
}

}  // namespace
}  // namespace runwatch
