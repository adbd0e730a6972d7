#pragma once
// The mail client of the email notification tasks: SMTP over plain TCP, implicit TLS
// (SMTPS) or STARTTLS, AUTH PLAIN or LOGIN, one MIME message with a plain and an HTML
// part. Every connect, read and write has a deadline, and a server's reply is bounded,
// so a hostile or dead server can neither hang nor flood a worker.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/model/error.h"
#include "runwatch/model/time.h"
#include "runwatch/net/smtp_reply.h"

namespace runwatch {

// Kestra's transportStrategy: SMTP (plain), SMTPS (TLS from the start), SMTP_TLS (STARTTLS).
enum class SmtpTransport { Smtp, Smtps, StartTls };

// SMTP, SMTPS or SMTP_TLS; nullopt for any other name.
std::optional<SmtpTransport> parse_smtp_transport(std::string_view name);

struct SmtpOptions {
  std::string host;
  int port = 0;  // 0: the transport's port (25, 465 or 587)
  SmtpTransport transport = SmtpTransport::Smtps;
  std::optional<std::string> username;
  std::optional<std::string> password;
  Duration timeout = std::chrono::seconds(10);  // the connection, then each read and write
  bool verify_certificate = true;               // false: any certificate (Kestra's trustedHosts)
  bool verify_host_name = true;                 // Kestra's verifyServerIdentity
  std::string extra_ca_file;                    // a PEM file trusted besides the system's CAs
};

// The port the client connects to: the given one, or the transport's (25, 465 or 587).
int smtp_port(const SmtpOptions& options);

struct MailMessage {
  std::string from;
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::string subject;
  std::string plain_text;  // empty: no plain part
  std::string html_text;   // empty: no HTML part
  std::string message_id;  // without its angle brackets
  TimePoint date{};
};

// The address of "Name <a@b>" or "a@b"; throws Error when it is not one address that
// SMTP can carry (no line break, space, angle bracket or missing @).
std::string mail_address(std::string_view text);
// Kestra's recipient lists: addresses separated by ';' or ',', blanks ignored.
std::vector<std::string> split_addresses(std::string_view text);

// The message as its DATA carries it, CRLF line ends, before dot-stuffing: headers
// (the subject in RFC 2047 when it is not ASCII), then the parts, base64 encoded.
std::string mime_message(const MailMessage& message);

struct SmtpReceipt {
  std::string reply;  // the server's answer to the message, as "250 2.0.0 Ok: queued"
  std::chrono::milliseconds latency{0};
};

// Sends the message; throws SmtpError, or Error for a message that cannot be sent (an
// invalid address, a header with a line break).
SmtpReceipt send_mail(const SmtpOptions& options, const MailMessage& message);

}  // namespace runwatch
