#pragma once
// SMTP replies as the server's bytes arrive: "250-first\r\n250 last\r\n" is one reply.
// Bounded and checked, because the bytes come from whatever answered on the mail port.
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "runwatch/model/error.h"

namespace runwatch {

// The server refused, or could not be reached or understood. `transient` when a later
// attempt may succeed: a 4xx reply, or no connection or answer at all.
class SmtpError : public Error {
 public:
  SmtpError(const std::string& message, bool transient) : Error(message), transient_(transient) {}
  bool transient() const { return transient_; }

 private:
  bool transient_;
};

struct SmtpReply {
  int code = 0;      // 3 digits
  std::string text;  // its lines without their codes, joined by '\n'; valid UTF-8
};

class SmtpReplyReader {
 public:
  // A reply longer than this (all its lines) is not an SMTP server's.
  static constexpr std::size_t kMaxReply = 64 * 1024;

  // `server` names the server in errors ("mail.example.com:465").
  explicit SmtpReplyReader(std::string server) : server_(std::move(server)) {}

  // Adds the bytes that arrived. Throws SmtpError (transient) for a line that is not
  // SMTP, or a reply or line past kMaxReply; the reader is then unusable.
  void feed(std::string_view bytes);
  // The next complete reply, oldest first.
  std::optional<SmtpReply> next();
  // Nothing received that next() has not returned.
  bool empty() const { return unread_.empty() && !in_reply_ && complete_.empty(); }

 private:
  void take_line(std::string_view line);

  std::string server_;
  std::string unread_;  // bytes after the last complete line
  std::string text_;    // the lines of the reply under way
  bool in_reply_ = false;
  std::deque<SmtpReply> complete_;
};

}  // namespace runwatch
