#pragma once
// The largest text and collection a template, filter or function may build. A render
// that would pass them fails with a clear error instead of exhausting memory.
#include <cstddef>
#include <string_view>

namespace runwatch {

constexpr size_t kMaxTextBytes = size_t{64} << 20;    // 64 MiB
constexpr size_t kMaxCollectionSize = 1'000'000;      // elements

// Throw std::length_error naming `what` when `size` is past the limit.
void check_text_size(size_t size, std::string_view what);
void check_collection_size(size_t size, std::string_view what);

}  // namespace runwatch
