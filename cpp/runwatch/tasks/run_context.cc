#include "runwatch/tasks/run_context.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "runwatch/expr/template_cache.h"
#include "runwatch/metrics/task_metrics.h"
#include "runwatch/model/error.h"
#include "runwatch/tasks/kv_function.h"
#include "runwatch/tasks/read_function.h"
#include "runwatch/tasks/secrets.h"

namespace runwatch {
namespace {

bool has_template_syntax(const std::string& text) {
  return text.find("{{") != std::string::npos || text.find("{%") != std::string::npos ||
         text.find("{#") != std::string::npos;
}

// A rendered property converted to its declared type, as Kestra's typed properties are:
// "5" for an integer property is 5. Throws Error when the text is not of that type.
Value typed(const PropertySpec& spec, Value value) {
  if (!value.is_string()) return value;
  const auto& text = value.get_ref<const std::string&>();
  auto refuse = [&](const char* expected) -> Value {
    throw Error("property '" + spec.name + "' must be " + expected + ", got '" + text + "'");
  };
  try {
    size_t used = 0;
    switch (spec.type) {
      case PropertyType::Integer: {
        long long n = std::stoll(text, &used);
        return used == text.size() ? Value(n) : refuse("an integer");
      }
      case PropertyType::Number: {
        double d = std::stod(text, &used);
        return used == text.size() ? Value(d) : refuse("a number");
      }
      case PropertyType::Boolean:
        if (text == "true") return true;
        if (text == "false") return false;
        return refuse("true or false");
      default:
        return value;
    }
  } catch (const std::logic_error&) {  // stoll / stod found no number
    return refuse(spec.type == PropertyType::Integer ? "an integer" : "a number");
  }
}

const expr::Functions& builtin_functions() {
  static const auto* functions = new expr::Functions(expr::builtin_functions());
  return *functions;
}

}  // namespace

RunContext::RunContext(TaskIdentity identity, Value variables, const Clock& clock,
                       std::shared_ptr<Cancellation> cancellation, const ExecutionReader* executions,
                       const SecretStore* secrets)
    : identity_(std::move(identity)),
      variables_(std::move(variables)),
      clock_(clock),
      cancellation_(cancellation ? std::move(cancellation) : std::make_shared<Cancellation>()),
      executions_(executions),
      secrets_(secrets) {}

RunContext::~RunContext() = default;

std::string RunContext::render(const std::string& text) const { return render_as(text, false); }

Value RunContext::render_properties(const Value& properties, const TypeSchema& schema) const {
  Value out = Value::object();
  for (auto it = properties.begin(); it != properties.end(); ++it) {
    const auto* spec = schema.property(it.key());
    bool json = spec && spec->json_document && it.value().is_string();
    Value rendered = json ? Value(render_as(it.value().get<std::string>(), true)) : render(it.value());
    out[it.key()] = spec ? typed(*spec, std::move(rendered)) : std::move(rendered);
  }
  return out;
}

std::string RunContext::render_as(const std::string& text, bool json_document) const {
  if (!has_template_syntax(text)) return text;
  if (!functions_) {
    functions_ = std::make_unique<expr::Functions>(&builtin_functions());
    functions_->add("now", expr::now_function([this] { return clock_.now(); }));
    functions_->add("errorLogs", [this](const std::vector<Value>&, const Value&) { return error_logs_; });
    functions_->add_secret("secret", [this](const std::vector<Value>& args, const Value&) -> Value {
      if (args.size() != 1 || !args[0].is_string()) throw Error("secret() takes the name of the secret");
      const auto& name = args[0].get_ref<const std::string&>();
      if (!secrets_) throw Error("Cannot find secret for key '" + name + "'.");
      auto value = secrets_->get(name);
      // Recorded here too, for a secret shorter than what the render reports as derived.
      reveal(value);
      return value;
    });
    functions_->add("kv", [this](const std::vector<Value>& args, const Value& named) {
      return kv_function(kv_store(), variables_, args, named);
    });
    functions_->add("read", [this](const std::vector<Value>& args, const Value& named) {
      return read_function(storage(), variables_, args, named);
    });
  }
  auto context = json_document ? expr::OutputContext::JsonDocument : expr::OutputContext::Text;
  auto options = expr::RenderOptions::within(render_timeout_, cancellation_.get(), &revealed_secrets_);
  if (!secret_values_.empty()) options.secret_values = &secret_values_;
  return expr::TemplateCache::global().get(text)->render(variables_, *functions_, context, options);
}

void RunContext::reveal(const std::string& secret) const {
  if (std::find(revealed_secrets_.begin(), revealed_secrets_.end(), secret) == revealed_secrets_.end())
    revealed_secrets_.push_back(secret);
}

void RunContext::add_secret_values(const std::vector<std::string>& values) {
  for (const auto& value : values) {
    reveal(value);
    secret_values_.push_back(value);
  }
}

Value RunContext::render(const Value& value) const {
  if (value.is_string()) return render(value.get_ref<const std::string&>());
  if (value.is_array()) {
    Value out = Value::array();
    for (const auto& item : value) out.push_back(render(item));
    return out;
  }
  if (value.is_object()) {
    Value out = Value::object();
    for (auto it = value.begin(); it != value.end(); ++it) out[it.key()] = render(it.value());
    return out;
  }
  return value;
}

void RunContext::log(LogLevel level, std::string message) {
  logs_.push_back(LogEntry{clock_.now(), level, identity_.task_id, identity_.task_run_id, identity_.attempt,
                           std::move(message)});
}

KvStore& RunContext::kv_store() const {
  if (!kv_store_) throw Error("The KV store is only available to flows that run in an engine");
  return *kv_store_;
}

const storage::LocalStorage& RunContext::storage() const {
  if (!storage_) throw Error("The internal storage is only available to flows that run in an engine");
  return *storage_;
}

std::optional<LogSelection> RunContext::read_logs(LogQuery query) const {
  if (!log_reader_) throw Error("Execution logs can only be read by flows that run in an engine");
  if (query.execution_id == identity_.execution_id) query.first_lines = std::min(query.first_lines, own_log_lines_);
  return log_reader_->read(query);
}

bool RunContext::sleep_for(Duration d) { return clock_.sleep_until(clock_.now() + d, cancellation_.get()); }

std::string RunContext::cache_directory() const {
  if (!cache_directory_.empty()) return cache_directory_;
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && xdg[0] == '/') return std::string(xdg) + "/runwatch";
  const char* home = std::getenv("HOME");
  if (home && home[0] == '/') return std::string(home) + "/.cache/runwatch";
  return (std::filesystem::temp_directory_path() / "runwatch-cache").string();
}

void RunContext::counter(const std::string& name, double value, const metrics::Tags& tags) {
  if (metrics_) metrics::task_counter(metrics_->registry, {identity_.ns, identity_.flow_id, identity_.task_id}, name, value, tags);
}

void RunContext::timer(const std::string& name, Duration value, const metrics::Tags& tags) {
  if (metrics_) metrics::task_timer(metrics_->registry, {identity_.ns, identity_.flow_id, identity_.task_id}, name, value, tags);
}

}  // namespace runwatch
