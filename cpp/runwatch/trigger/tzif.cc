#include "runwatch/trigger/tzif.h"

#include <cstdint>

#include "runwatch/model/error.h"
#include "runwatch/trigger/posix_tz.h"

namespace runwatch {
namespace {

class Bytes {
 public:
  Bytes(std::string_view data, const std::string& id) : data_(data), id_(id) {}

  std::string_view take(size_t n) {
    if (data_.size() - pos_ < n) throw Error("time zone file of '" + id_ + "' is truncated");
    auto out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  int64_t integer(size_t width) {  // big-endian, two's complement
    auto raw = take(width);
    uint64_t value = 0;
    for (unsigned char c : raw) value = (value << 8) | c;
    if (width < 8 && (value >> (8 * width - 1))) value |= ~uint64_t{0} << (8 * width);
    return static_cast<int64_t>(value);
  }
  std::string_view rest() const { return data_.substr(pos_); }

 private:
  std::string_view data_;
  const std::string& id_;
  size_t pos_ = 0;
};

struct Header {
  char version;
  int64_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

Header header(Bytes& in, const std::string& id) {
  if (in.take(4) != "TZif") throw Error("'" + id + "' is not a time zone file");
  Header h{};
  h.version = in.take(1)[0];
  in.take(15);
  h.isutcnt = in.integer(4), h.isstdcnt = in.integer(4), h.leapcnt = in.integer(4);
  h.timecnt = in.integer(4), h.typecnt = in.integer(4), h.charcnt = in.integer(4);
  if (h.typecnt == 0) throw Error("time zone file of '" + id + "' has no local time types");
  return h;
}

size_t data_size(const Header& h, size_t time_size) {
  return h.timecnt * time_size + h.timecnt + h.typecnt * 6 + h.charcnt + h.leapcnt * (time_size + 4) + h.isstdcnt +
         h.isutcnt;
}

}  // namespace

std::shared_ptr<const TimeZone> read_tzif(std::string id, std::string_view bytes) {
  Bytes in(bytes, id);
  Header h = header(in, id);
  size_t time_size = 4;
  if (h.version != '\0') {  // version 2+: skip the 32-bit data for the 64-bit copy
    in.take(data_size(h, 4));
    h = header(in, id);
    time_size = 8;
  }
  std::vector<int64_t> times(h.timecnt);
  for (auto& t : times) t = in.integer(time_size);
  std::vector<size_t> type_of(h.timecnt);
  for (auto& index : type_of) {
    index = static_cast<size_t>(in.integer(1) & 0xff);
    if (index >= static_cast<size_t>(h.typecnt)) throw Error("time zone file of '" + id + "' is corrupt");
  }
  std::vector<std::chrono::seconds> offsets(h.typecnt);
  for (auto& offset : offsets) {
    offset = std::chrono::seconds(in.integer(4));
    in.take(2);  // is-DST flag and abbreviation index: offsets are all a schedule needs
  }
  in.take(data_size(h, time_size) - h.timecnt * (time_size + 1) - h.typecnt * 6);

  std::vector<OffsetTransition> transitions;
  for (size_t i = 0; i < times.size(); ++i)
    transitions.push_back({SysSeconds(std::chrono::seconds(times[i])), offsets[type_of[i]]});

  std::shared_ptr<const OffsetRule> rule;
  if (time_size == 8) {
    auto footer = in.rest();
    if (footer.size() >= 2 && footer.front() == '\n') {
      auto end = footer.find('\n', 1);
      if (end != std::string_view::npos) rule = parse_posix_tz(footer.substr(1, end - 1));
    }
  }
  return std::make_shared<const TimeZone>(std::move(id), offsets[0], std::move(transitions), std::move(rule));
}

}  // namespace runwatch
