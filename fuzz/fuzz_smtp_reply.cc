// A mail server's bytes, split where the input says: they make replies or a clear
// SmtpError, every reply a 3-digit code with UTF-8 text within the bound, and the same
// replies whatever the split.
#include "fuzz_support.h"
#include "runwatch/net/smtp_reply.h"

namespace {

using Replies = std::vector<std::pair<int, std::string>>;

// The replies read from `wire` fed in chunks of `chunk` bytes; nullopt when refused.
std::optional<Replies> read(std::string_view wire, size_t chunk) {
  runwatch::SmtpReplyReader reader("fuzz:25");
  Replies replies;
  try {
    for (size_t at = 0; at < wire.size(); at += chunk) {
      reader.feed(wire.substr(at, chunk));
      while (auto reply = reader.next()) replies.emplace_back(reply->code, reply->text);
    }
  } catch (const runwatch::SmtpError& e) {
    runwatch::fuzz::require_utf8(e.what(), "SMTP errors are UTF-8");
    return std::nullopt;
  }
  return replies;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace runwatch;
  if (size == 0) return 0;
  std::string_view wire = fuzz::as_text(data + 1, size - 1);
  auto whole = read(wire, wire.size() + 1);
  auto split = read(wire, 1 + data[0] % 7);
  fuzz::require(whole.has_value() == split.has_value(), "a split changes nothing");
  if (!whole) return 0;
  fuzz::require(*whole == *split, "a split reads the same replies");
  for (const auto& [code, text] : *whole) {
    fuzz::require(code >= 0 && code <= 999, "codes have 3 digits");
    fuzz::require(text.size() <= SmtpReplyReader::kMaxReply, "replies are bounded");
    fuzz::require_utf8(text, "reply text is UTF-8");
  }
  return 0;
}
