#pragma once
// The thread pool an httplib server runs its requests on, with named threads
// (`<prefix>-N`) so thread dumps and debuggers tell them apart; each connection it is
// given is put under `watch` first.
#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runwatch/model/thread_name.h"
#include "runwatch/server/connection_watch.h"

namespace runwatch {

class HttpThreadPool final : public httplib::TaskQueue {
 public:
  HttpThreadPool(const std::string& prefix, int threads, ConnectionWatch* watch) : watch_(watch) {
    for (int i = 0; i < threads; ++i)
      threads_.emplace_back([this, name = prefix + "-" + std::to_string(i)] {
        set_thread_name(name);
        work();
      });
  }
  ~HttpThreadPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(watch_->adopt(std::move(fn)));
    }
    cv_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  ConnectionWatch* watch_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace runwatch
