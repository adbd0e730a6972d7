#include "runwatch/net/smtp_reply.h"

#include <algorithm>

#include "runwatch/model/utf8.h"

namespace runwatch {

void SmtpReplyReader::feed(std::string_view bytes) {
  // What was unread holds no line end, bar a '\r' that the new bytes may complete.
  std::size_t search_from = unread_.empty() ? 0 : unread_.size() - 1;
  unread_.append(bytes);
  std::size_t start = 0;
  for (std::size_t end; (end = unread_.find("\r\n", std::max(start, search_from))) != std::string::npos;
       start = end + 2)
    take_line(std::string_view(unread_).substr(start, end - start));
  unread_.erase(0, start);
  if (unread_.size() > kMaxReply) throw SmtpError(server_ + " sent a reply line longer than 64 KiB", true);
}

std::optional<SmtpReply> SmtpReplyReader::next() {
  if (complete_.empty()) return std::nullopt;
  SmtpReply reply = std::move(complete_.front());
  complete_.pop_front();
  return reply;
}

void SmtpReplyReader::take_line(std::string_view line) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  bool is_smtp = line.size() >= 3 && digit(line[0]) && digit(line[1]) && digit(line[2]) &&
                 (line.size() == 3 || line[3] == ' ' || line[3] == '-');
  if (!is_smtp)
    throw SmtpError(server_ + " answered something that is not SMTP: '" + repair_utf8(line.substr(0, 80)) + "'", true);
  if (in_reply_) text_ += '\n';
  in_reply_ = true;
  if (line.size() > 4) text_ += repair_utf8(line.substr(4));
  if (text_.size() > kMaxReply) throw SmtpError(server_ + " sent a reply longer than 64 KiB", true);
  if (line.size() > 3 && line[3] == '-') return;
  complete_.push_back({(line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0'), std::move(text_)});
  text_.clear();
  in_reply_ = false;
}

}  // namespace runwatch
