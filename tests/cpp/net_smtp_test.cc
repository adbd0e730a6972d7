// What the mail client puts on the wire before any server is involved (addresses, the
// MIME message, the transport names), and what it does when the server is hostile: not
// SMTP, too long, silent, a byte at a time. The conversation with a well-behaved server
// is tested against a real SMTP server (aiosmtpd) in tests/python/test_mail.py.
#include <gtest/gtest.h>

#include "net_test_server.h"
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

TEST(NetSmtp, ThePortIsTheGivenOneOrTheTransports) {
  EXPECT_EQ(smtp_port({.host = "mail", .port = 2525, .transport = SmtpTransport::Smtp}), 2525);
  EXPECT_EQ(smtp_port({.host = "mail", .transport = SmtpTransport::Smtp}), 25);
  EXPECT_EQ(smtp_port({.host = "mail", .transport = SmtpTransport::Smtps}), 465);
  EXPECT_EQ(smtp_port({.host = "mail", .transport = SmtpTransport::StartTls}), 587);
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

// The error send_mail throws against a server that answers with `answers`.
SmtpError failure_against(const testing::ScriptedServer& server, std::chrono::milliseconds timeout,
                          SmtpTransport transport = SmtpTransport::Smtp) {
  SmtpOptions options;
  options.host = "127.0.0.1";
  options.port = server.port();
  options.transport = transport;
  options.timeout = timeout;
  try {
    send_mail(options, message());
  } catch (const SmtpError& e) {
    return e;
  }
  ADD_FAILURE() << "the mail was sent";
  return SmtpError("", false);
}

TEST(NetSmtp, AServerThatIsNotSmtpIsNamedAndItsAnswerShownAsUtf8) {
  testing::ScriptedServer http({"HTTP/1.1 400 Bad Request\r\n\r\n"});
  SmtpError e = failure_against(http, std::chrono::seconds(5));
  EXPECT_TRUE(e.transient());
  EXPECT_EQ(std::string(e.what()), "127.0.0.1:" + std::to_string(http.port()) +
                                       " answered something that is not SMTP: 'HTTP/1.1 400 Bad Request'");

  testing::ScriptedServer binary({"\xff\xfe garbage\r\n"});
  e = failure_against(binary, std::chrono::seconds(5));
  EXPECT_EQ(std::string(e.what()), "127.0.0.1:" + std::to_string(binary.port()) +
                                       " answered something that is not SMTP: '\xEF\xBF\xBD\xEF\xBF\xBD garbage'");
}

TEST(NetSmtp, ARefusalQuotesTheWholeMultiLineReply) {
  testing::ScriptedServer server({"220 mail ready\r\n", "250-mail\r\n250 SIZE 1000\r\n",
                                  "550-5.7.1 relaying denied\r\n550 5.7.1 see the policy\r\n"});
  SmtpError e = failure_against(server, std::chrono::seconds(5));
  EXPECT_FALSE(e.transient());
  EXPECT_EQ(std::string(e.what()),
            "127.0.0.1:" + std::to_string(server.port()) +
                " refused the sender <runwatch@example.com>: 550 5.7.1 relaying denied\n5.7.1 see the policy");
  EXPECT_EQ(server.lines(), (std::vector<std::string>{"EHLO localhost", "MAIL FROM:<runwatch@example.com>"}));
}

TEST(NetSmtp, RepliesPastSixtyFourKibibytesAreRefusedWhetherOneLineOrMany) {
  testing::ScriptedServer one_line({"220 " + std::string(70 * 1024, 'x')});
  EXPECT_EQ(std::string(failure_against(one_line, std::chrono::seconds(5)).what()),
            "127.0.0.1:" + std::to_string(one_line.port()) + " sent a reply line longer than 64 KiB");
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "220-" + std::string(60, 'y') + "\r\n";
  testing::ScriptedServer many_lines({many});
  EXPECT_EQ(std::string(failure_against(many_lines, std::chrono::seconds(5)).what()),
            "127.0.0.1:" + std::to_string(many_lines.port()) + " sent a reply longer than 64 KiB");
}

TEST(NetSmtp, ASilentServerTimesOut) {
  testing::ScriptedServer silent({});
  SmtpError e = failure_against(silent, std::chrono::milliseconds(100));
  EXPECT_TRUE(e.transient());
  EXPECT_EQ(std::string(e.what()), "The mail server 127.0.0.1:" + std::to_string(silent.port()) +
                                       " did not answer in time (waiting for its reply; timeout PT0.1S)");
}

TEST(NetSmtp, AServerAnsweringAByteAtATimeIsCutOffAfterSixTimeouts) {
  // Each byte comes well within the timeout, so only the session's limit stops it.
  testing::ScriptedServer trickle({"220-" + std::string(1000, 'z') + "\r\n"}, std::chrono::milliseconds(10));
  SmtpError e = failure_against(trickle, std::chrono::milliseconds(100));
  EXPECT_TRUE(e.transient());
  EXPECT_EQ(std::string(e.what()), "The mail server 127.0.0.1:" + std::to_string(trickle.port()) +
                                       " did not finish the conversation within 6 timeouts (PT0.6S)");
}

TEST(NetSmtp, BytesSentAfterTheAnswerToStarttlsAreRefusedRatherThanReadAsEncrypted) {
  testing::ScriptedServer injector(
      {"220 mail ready\r\n", "250-mail\r\n250 STARTTLS\r\n", "220 go ahead\r\n250 injected before the handshake\r\n"});
  SmtpError e = failure_against(injector, std::chrono::seconds(5), SmtpTransport::StartTls);
  EXPECT_FALSE(e.transient());
  EXPECT_EQ(std::string(e.what()), "The mail server 127.0.0.1:" + std::to_string(injector.port()) +
                                       " sent more than its answer to STARTTLS; refused");
}

TEST(NetSmtpReplies, LinesMakeRepliesWhateverHowTheBytesArrive) {
  const std::string wire = "250-first\r\n250-second\r\n250 last\r\n354 go on\r\n";
  for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, wire.size()}) {
    SmtpReplyReader reader("mail:25");
    std::vector<std::pair<int, std::string>> replies;
    for (std::size_t at = 0; at < wire.size(); at += chunk) {
      reader.feed(std::string_view(wire).substr(at, chunk));
      while (auto reply = reader.next()) replies.emplace_back(reply->code, reply->text);
    }
    EXPECT_EQ(replies, (std::vector<std::pair<int, std::string>>{{250, "first\nsecond\nlast"}, {354, "go on"}}))
        << "chunks of " << chunk;
    EXPECT_TRUE(reader.empty());
  }
}

TEST(NetSmtpReplies, ABareCodeIsAReplyWithoutTextAndAPartialLineWaits) {
  SmtpReplyReader reader("mail:25");
  reader.feed("221\r\n250 partial");
  auto reply = reader.next();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->code, 221);
  EXPECT_EQ(reply->text, "");
  EXPECT_FALSE(reader.next());
  EXPECT_FALSE(reader.empty());
}

TEST(NetSmtpReplies, ACodeWithoutItsSeparatorIsNotSmtp) {
  SmtpReplyReader reader("mail:25");
  try {
    reader.feed("250x\r\n");
    FAIL();
  } catch (const SmtpError& e) {
    EXPECT_EQ(std::string(e.what()), "mail:25 answered something that is not SMTP: '250x'");
  }
}

}  // namespace
}  // namespace runwatch
