// Silence bodies (POST /api/v1/silences): refused with an InputError or accepted; an
// accepted silence, saved and read back as a restart reads it, is the same silence.
#include "fuzz_support.h"
#include "runwatch/model/error.h"
#include "runwatch/model/json_text.h"
#include "runwatch/runtime/silences.h"

namespace {

class OneSaved final : public runwatch::Silences::Storage {
 public:
  explicit OneSaved(runwatch::Value saved) : saved_(std::move(saved)) {}
  std::vector<runwatch::Value> load() const override { return {saved_}; }
  void put(const std::string&, const runwatch::Value&) override {}
  void erase(const std::string&) override {}

 private:
  runwatch::Value saved_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace runwatch;
  Value body = parse_json_or_discarded(fuzz::as_text(data, size));
  if (body.is_discarded()) return 0;
  static const ManualClock clock(TimePoint(std::chrono::seconds(1'700'000'000)));
  Silence silence;
  try {
    silence = read_silence(body, clock.now());
  } catch (const InputError&) {
    return 0;
  }
  Value saved = silence.to_json(clock.now());
  fuzz::require_utf8(dump_json(saved), "a silence is written as UTF-8");
  OneSaved storage(saved);
  Silences restored(clock, std::chrono::hours(1), &storage);
  auto again = restored.find(silence.id);
  fuzz::require(again.has_value(), "a saved silence is read back");
  fuzz::require(again->to_json(clock.now()) == saved, "a saved silence reads back the same");
  return 0;
}
