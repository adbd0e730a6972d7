#include "runwatch/model/cancellation.h"

namespace runwatch {

Cancellation::Subscription::~Subscription() {
  if (!owner_) return;
  std::lock_guard lock(owner_->mutex_);
  owner_->callbacks_.erase(id_);
}

void Cancellation::cancel(std::string reason) {
  std::lock_guard lock(mutex_);
  if (cancelled_.load()) return;
  reason_ = std::move(reason);
  cancelled_.store(true, std::memory_order_release);
  for (auto& [id, fn] : callbacks_) fn();
}

std::string Cancellation::reason() const {
  std::lock_guard lock(mutex_);
  return reason_;
}

Cancellation::Subscription Cancellation::on_cancel(std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  if (cancelled_.load()) fn();
  int id = ++next_id_;
  callbacks_.emplace(id, std::move(fn));
  return Subscription(this, id);
}

}  // namespace runwatch
