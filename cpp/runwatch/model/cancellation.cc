#include "runwatch/model/cancellation.h"

namespace runwatch {

Cancellation::Subscription::~Subscription() {
  if (!owner_) return;
  std::lock_guard lock(owner_->mutex_);
  owner_->callbacks_.erase(id_);
}

void Cancellation::cancel(std::string reason) {
  std::lock_guard lock(mutex_);
  if (cancelled_) return;
  cancelled_ = true;
  reason_ = std::move(reason);
  for (auto& [id, fn] : callbacks_) fn();
}

bool Cancellation::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

std::string Cancellation::reason() const {
  std::lock_guard lock(mutex_);
  return reason_;
}

Cancellation::Subscription Cancellation::on_cancel(std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  if (cancelled_) fn();
  int id = ++next_id_;
  callbacks_.emplace(id, std::move(fn));
  return Subscription(this, id);
}

}  // namespace runwatch
