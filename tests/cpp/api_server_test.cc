// The API server over real HTTP on loopback: flows (create, get, list, update, delete,
// validate), executions (start with JSON or form inputs and labels, get, search, kill,
// logs), Webhook triggers, and JSON errors for every bad request.
#include <arpa/inet.h>
#include <httplib.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <sstream>
#include <thread>

#include "engine_fixture.h"
#include "runwatch/api/api_server.h"
#include "runwatch/crypto/base64.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;

const char* kHello = R"(id: hello
namespace: company.team
inputs:
  - id: name
    type: STRING
    defaults: world
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: "Hello {{ inputs.name }}"
)";

const char* kSlow = R"(id: slow
namespace: company.team
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT1H
)";

const char* kHook = R"(id: hook
namespace: company.team
tasks:
  - id: said
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.body.text }}"
triggers:
  - id: incoming
    type: io.kestra.plugin.core.trigger.Webhook
    key: s3cr3t-key
)";

// A client that writes bytes as they are, so that a test can send what httplib's client
// never would: chunks past the limit, a request head one byte at a time.
class RawConnection {
 public:
  // `receive_buffer` (bytes, 0: the system's) bounds what the server can send ahead of reads.
  explicit RawConnection(int port, int receive_buffer = 0) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    if (receive_buffer > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error("cannot connect");
    timeval ten_seconds{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &ten_seconds, sizeof ten_seconds);
  }
  ~RawConnection() { close(); }
  void send(const std::string& bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  // Whether the server has closed its side (without waiting).
  bool closed_by_server() const {
    pollfd peer{fd_, POLLRDHUP, 0};
    return poll(&peer, 1, 0) > 0 && (peer.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
  }
  // What the server sends until it closes the connection.
  std::string read_all() {
    std::string out;
    char buffer[4096];
    for (ssize_t n; (n = recv(fd_, buffer, sizeof buffer, 0)) > 0;) out.append(buffer, static_cast<size_t>(n));
    return out;
  }
  // One read of at most `bytes`; 0 at the end of the answer or on an error.
  size_t read_some(size_t bytes) {
    std::string buffer(bytes, '\0');
    ssize_t n = recv(fd_, buffer.data(), bytes, 0);
    return n > 0 ? static_cast<size_t>(n) : 0;
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

class ApiServerTest : public testing::EngineTest {
 protected:
  std::unique_ptr<ApiServer> server;
  std::unique_ptr<httplib::Client> client;

  void SetUp() override { serve(test_options()); }

  static ApiOptions test_options() {
    ApiOptions options;
    options.port = 0;
    options.max_request_size = 64 * 1024;
    return options;
  }
  void serve(const ApiOptions& options) {
    if (server) server->stop();
    server = std::make_unique<ApiServer>(options, engine);
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
  }
  void TearDown() override { server->stop(); }
  // A server on `threads` request threads whose ?wait=true waits an hour, and a client in
  // such a wait on the slow flow (its execution started).
  std::unique_ptr<RawConnection> waiting_client(int threads) {
    auto options = test_options();
    options.threads = threads;
    options.wait_timeout = std::chrono::hours(1);
    serve(options);
    add(kSlow);
    auto raw = std::make_unique<RawConnection>(server->port());
    raw->send("POST /api/v1/executions/company.team/slow?wait=true HTTP/1.1\r\nHost: localhost\r\n"
              "Content-Length: 0\r\n\r\n");
    while (engine.executions().empty()) std::this_thread::sleep_for(10ms);
    return raw;
  }

  static std::pair<int, Value> answer(const httplib::Result& res) {
    if (!res) throw std::runtime_error("no answer");
    return {res->status, res->body.empty() ? Value() : Value::parse(res->body, nullptr, false)};
  }
  std::pair<int, Value> get(const std::string& path) { return answer(client->Get(path.c_str())); }
  std::pair<int, Value> post(const std::string& path, const std::string& body,
                             const std::string& type = "application/json") {
    return answer(client->Post(path.c_str(), body, type.c_str()));
  }
  std::pair<int, Value> post_yaml(const std::string& path, const std::string& yaml) {
    return post(path, yaml, "application/x-yaml");
  }
  std::pair<int, Value> put_yaml(const std::string& path, const std::string& yaml) {
    return answer(client->Put(path.c_str(), yaml, "application/x-yaml"));
  }
  static Value error(int status, const std::string& message) { return {{"message", message}, {"status", status}}; }
};

TEST_F(ApiServerTest, FlowsAreCreatedReadUpdatedAndDeleted) {
  auto [status, created] = post_yaml("/api/v1/flows", kHello);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(created["id"], "hello");
  EXPECT_EQ(created["namespace"], "company.team");
  EXPECT_EQ(created["revision"], 1);
  EXPECT_EQ(created["source"], kHello);
  EXPECT_EQ(post_yaml("/api/v1/flows", kHello),
            (std::pair<int, Value>{422, error(422, "Flow 'company.team.hello' already exists: update it with PUT")}));

  EXPECT_EQ(get("/api/v1/flows/company.team/hello").second["revision"], 1);
  auto [list_status, list] = get("/api/v1/flows/company.team");
  EXPECT_EQ(list_status, 200);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], "hello");
  EXPECT_EQ(get("/api/v1/flows/other"), (std::pair<int, Value>{200, Value::array()}));

  std::string updated = std::string(kHello) + "description: now documented\n";
  auto [put_status, put_body] = put_yaml("/api/v1/flows/company.team/hello", updated);
  EXPECT_EQ(put_status, 200);
  EXPECT_EQ(put_body["revision"], 2);
  EXPECT_EQ(put_body["description"], "now documented");
  EXPECT_EQ(put_yaml("/api/v1/flows/company.team/other", updated),
            (std::pair<int, Value>{404, error(404, "Flow 'company.team.other' not found")}));
  EXPECT_EQ(put_yaml("/api/v1/flows/company.team/hello", kSlow),
            (std::pair<int, Value>{422, error(422, "The flow in the body is 'company.team.slow', not "
                                                   "'company.team.hello' as in the URL")}));

  auto res = client->Delete("/api/v1/flows/company.team/hello");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  EXPECT_EQ(engine.flow("company.team", "hello"), nullptr);
  EXPECT_EQ(answer(client->Delete("/api/v1/flows/company.team/hello")),
            (std::pair<int, Value>{404, error(404, "Flow 'company.team.hello' not found")}));
  EXPECT_EQ(get("/api/v1/flows/company.team/hello").first, 404);

  // Every revision is kept, the deletion included (as Kestra: the last one plus one).
  auto [revisions_status, revisions] = get("/api/v1/flows/company.team/hello/revisions");
  EXPECT_EQ(revisions_status, 200);
  ASSERT_EQ(revisions.size(), 3u);
  EXPECT_EQ(revisions[0]["revision"], 1);
  EXPECT_EQ(revisions[0]["source"], kHello);
  EXPECT_EQ(revisions[0]["deleted"], false);
  EXPECT_EQ(revisions[1]["description"], "now documented");
  EXPECT_EQ(revisions[2]["revision"], 3);
  EXPECT_EQ(revisions[2]["deleted"], true);
  EXPECT_EQ(get("/api/v1/flows/company.team/other/revisions"),
            (std::pair<int, Value>{404, error(404, "Flow 'company.team.other' not found")}));
  EXPECT_EQ(post_yaml("/api/v1/flows", kHello).second["revision"], 4);
  EXPECT_EQ(get("/api/v1/flows/company.team/hello?revision=2").second["description"], "now documented");
  EXPECT_EQ(get("/api/v1/flows/company.team/hello?revision=3").second["deleted"], true);
  EXPECT_EQ(get("/api/v1/flows/company.team/hello?revision=9"),
            (std::pair<int, Value>{404, error(404, "Flow 'company.team.hello' has no revision 9")}));
  EXPECT_EQ(get("/api/v1/flows/company.team/hello?revision=two"),
            (std::pair<int, Value>{400, error(400, "Query parameter 'revision' must be a number from 1 to 2147483647, "
                                                   "got 'two'")}));
}

TEST_F(ApiServerTest, AnInvalidFlowIs422WithItsIssuesAndMalformedYamlIs400) {
  auto [status, body] = post_yaml("/api/v1/flows", "id: x\nnamespace: company.team\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Lgo\n");
  EXPECT_EQ(status, 422);
  ASSERT_EQ(body["issues"].size(), 1u);
  EXPECT_EQ(body["issues"][0]["path"], "tasks[0].type");
  EXPECT_EQ(body["issues"][0]["line"], 5);
  EXPECT_EQ(body["issues"][0]["column"], 11);
  EXPECT_EQ(body["message"].get<std::string>().rfind("<flow>:5:11: error: tasks[0].type: ", 0), 0u);
  auto [syntax_status, syntax] = post_yaml("/api/v1/flows", "id: [unclosed\n");
  EXPECT_EQ(syntax_status, 400);
  EXPECT_EQ(syntax["issues"][0]["message"].get<std::string>().rfind("YAML syntax error", 0), 0u);
  EXPECT_TRUE(engine.flows().empty());
}

TEST_F(ApiServerTest, ValidateAnswersEachDocumentWithErrorsAndLintWarnings) {
  const std::string text = std::string(kHello) + "---\n" + R"(id: bad_alert
namespace: company.monitoring
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: x
triggers:
  - id: never
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: company.product
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: company.system
        flowId: cleanup
)" + "---\nid: broken\nnamespace: company.team\n";
  auto [status, body] = post_yaml("/api/v1/flows/validate", text);
  EXPECT_EQ(status, 200);
  ASSERT_EQ(body.size(), 3u);
  EXPECT_EQ(body[0]["flow"], "hello");
  EXPECT_TRUE(body[0]["constraints"].is_null());
  EXPECT_EQ(body[0]["warnings"], Value::array());
  EXPECT_EQ(body[1]["flow"], "bad_alert");
  ASSERT_EQ(body[1]["warnings"].size(), 1u);
  EXPECT_NE(body[1]["warnings"][0].get<std::string>().find("never fire"), std::string::npos) << body[1]["warnings"][0];
  EXPECT_EQ(body[2]["index"], 2);
  EXPECT_FALSE(body[2].contains("flow"));
  EXPECT_NE(body[2]["constraints"].get<std::string>().find("tasks"), std::string::npos);
  EXPECT_TRUE(engine.flows().empty());  // validating loads nothing
}

TEST_F(ApiServerTest, AnExecutionStartsWithJsonInputsAndLabelsAndIsFound) {
  add(kHello);
  auto [status, created] = post("/api/v1/executions/company.team/hello?labels=team:data&labels=env:prod",
                                R"({"name": "API"})");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(created["namespace"], "company.team");
  EXPECT_EQ(created["flowId"], "hello");
  EXPECT_EQ(created["inputs"], Value({{"name", "API"}}));
  EXPECT_EQ(created["labels"], Value::parse(R"([{"key":"team","value":"data"},{"key":"env","value":"prod"}])"));
  settle();
  const std::string id = created["id"];
  auto [got_status, got] = get("/api/v1/executions/" + id);
  EXPECT_EQ(got_status, 200);
  EXPECT_EQ(got["state"]["current"], "SUCCESS");
  EXPECT_EQ(got["state"]["histories"].size(), 3u);
  EXPECT_EQ(got["state"]["duration"], "PT0S");
  EXPECT_EQ(got["taskRunList"][0]["taskId"], "greet");
  EXPECT_EQ(got["taskRunList"][0]["state"]["current"], "SUCCESS");

  auto [logs_status, logs] = get("/api/v1/logs/" + id);
  EXPECT_EQ(logs_status, 200);
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0]["message"], "Hello API");
  EXPECT_EQ(logs[0]["taskId"], "greet");
  EXPECT_EQ(logs[0]["level"], "INFO");
}

TEST_F(ApiServerTest, FormInputsAreRead) {
  add(kHello);
  httplib::MultipartFormDataItems form = {{"name", "form", "", ""}};
  auto [status, created] = answer(client->Post("/api/v1/executions/company.team/hello", form));
  EXPECT_EQ(status, 200);
  EXPECT_EQ(created["inputs"], Value({{"name", "form"}}));
  httplib::MultipartFormDataItems file = {{"name", "data", "data.csv", "text/csv"}};
  EXPECT_EQ(answer(client->Post("/api/v1/executions/company.team/hello", file)),
            (std::pair<int, Value>{422, error(422, "Input 'name' is a file, but its type is STRING")}));
}

const char* kUpload = R"(id: upload
namespace: company.team
inputs:
  - id: data
    type: FILE
    allowedFileExtensions: [".csv"]
tasks:
  - id: show
    type: io.kestra.plugin.core.debug.Return
    format: "{{ read(inputs.data) }}"
)";

TEST_F(ApiServerTest, AFileInputIsStreamedToTheStorageAndDownloaded) {
  add(kUpload);
  httplib::MultipartFormDataItems form = {{"data", "a,b\n1,2\n", "report.csv", "text/csv"}};
  auto [status, created] = answer(client->Post("/api/v1/executions/company.team/upload?wait=true", form));
  ASSERT_EQ(status, 200) << created.dump();
  const std::string id = created["id"];
  const std::string uri = "kestra:///company/team/upload/executions/" + id + "/inputs/data/report.csv";
  EXPECT_EQ(created["inputs"], Value({{"data", uri}}));
  EXPECT_EQ(created["state"]["current"], "SUCCESS");
  for (const std::string prefix : {"/api/v1/executions/", "/api/v1/main/executions/"}) {
    auto res = client->Get(prefix + id + "/file?path=" + httplib::detail::encode_query_param(uri));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, "a,b\n1,2\n");
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/octet-stream");
    EXPECT_EQ(res->get_header_value("Content-Disposition"),
              "attachment; filename=\"report.csv\"; filename*=UTF-8''report.csv");
    EXPECT_EQ(get(prefix + id + "/file/metas?path=" + httplib::detail::encode_query_param(uri)),
              (std::pair<int, Value>{200, {{"size", 8}}}));
  }
}

TEST_F(ApiServerTest, FileInputErrorsAreAnsweredAndLeaveNoFile) {
  add(kUpload);
  httplib::MultipartFormDataItems exe = {{"data", "MZ", "run.exe", "application/octet-stream"}};
  EXPECT_EQ(answer(client->Post("/api/v1/executions/company.team/upload", exe)),
            (std::pair<int, Value>{422, error(422,
                                              "Input 'data': the file 'run.exe' has none of the allowed "
                                              "extensions .csv")}));
  httplib::MultipartFormDataItems twice = {{"data", "1", "a.csv", ""}, {"data", "2", "b.csv", ""}};
  EXPECT_EQ(answer(client->Post("/api/v1/executions/company.team/upload", twice)),
            (std::pair<int, Value>{422, error(422, "Input 'data' is given more than one file")}));
  httplib::MultipartFormDataItems up = {{"data", "1", "..", ""}};
  EXPECT_EQ(answer(client->Post("/api/v1/executions/company.team/upload", up)),
            (std::pair<int, Value>{422, error(422, "Input 'data': Invalid file name '..': it is a '..' segment")}));
  EXPECT_EQ(answer(client->Post("/api/v1/executions/nope/resume", exe)),
            (std::pair<int, Value>{404, error(404, "Execution 'nope' not found")}));
  EXPECT_EQ(engine.executions().size(), 0u);
  EXPECT_TRUE(std::filesystem::is_empty(engine.storage().base() / ".uploads"));
  EXPECT_FALSE(std::filesystem::exists(engine.storage().base() / "company"));
}

TEST_F(ApiServerTest, AFileOverItsLimitIs413AsItIsRead) {
  auto options = test_options();
  options.max_file_size = 1024;
  serve(options);
  add(kUpload);
  httplib::MultipartFormDataItems big = {{"data", std::string(2000, 'x'), "big.csv", "text/csv"}};
  EXPECT_EQ(answer(client->Post("/api/v1/executions/company.team/upload", big)),
            (std::pair<int, Value>{
                413, error(413, "The file 'big.csv' of field 'data' is larger than the limit of 1024 bytes")}));
  EXPECT_EQ(engine.executions().size(), 0u);
  EXPECT_TRUE(std::filesystem::is_empty(engine.storage().base() / ".uploads"));
  // A file larger than the request limit (64 KiB here) but within its own is taken.
  options.max_file_size = 1024 * 1024;
  serve(options);
  httplib::MultipartFormDataItems large = {{"data", std::string(200 * 1024, 'x'), "large.csv", "text/csv"}};
  EXPECT_EQ(answer(client->Post("/api/v1/executions/company.team/upload", large)).first, 200);
}

TEST_F(ApiServerTest, DownloadsAreOnlyOfTheExecutionsOwnFiles) {
  add(kUpload);
  httplib::MultipartFormDataItems form = {{"data", "1", "a.csv", "text/csv"}};
  auto [status, first] = answer(client->Post("/api/v1/executions/company.team/upload?wait=true", form));
  auto [status2, second] = answer(client->Post("/api/v1/executions/company.team/upload?wait=true", form));
  ASSERT_EQ(status, 200);
  ASSERT_EQ(status2, 200);
  const std::string id = first["id"];
  const std::string others = second["inputs"]["data"];
  auto file = [&](const std::string& path) {
    return get("/api/v1/executions/" + id + "/file?path=" + httplib::detail::encode_query_param(path));
  };
  EXPECT_EQ(file(others), (std::pair<int, Value>{
                              422, error(422, "The file '" + others + "' is not a file of execution '" + id + "'")}));
  const std::string missing = "kestra:///company/team/upload/executions/" + id + "/inputs/data/b.csv";
  EXPECT_EQ(file(missing), (std::pair<int, Value>{404, error(404, "File '" + missing + "' not found")}));
  EXPECT_EQ(file("kestra:///company/team/upload/executions/" + id + "/../../x"),
            (std::pair<int, Value>{400, error(400, "Invalid storage URI 'kestra:///company/team/upload/executions/" +
                                                       id + "/../../x': it has a '..' segment")}));
  EXPECT_EQ(
      file("/etc/passwd"),
      (std::pair<int, Value>{400, error(400, "Invalid storage URI '/etc/passwd': it must start with kestra:///")}));
  EXPECT_EQ(get("/api/v1/executions/" + id + "/file"),
            (std::pair<int, Value>{400, error(400, "The query parameter 'path' (a kestra:/// URI) is missing")}));
  EXPECT_EQ(get("/api/v1/executions/nope/file?path=kestra:///a"),
            (std::pair<int, Value>{404, error(404, "Execution 'nope' not found")}));
}

TEST_F(ApiServerTest, WaitTrueAnswersOnceTheExecutionEnded) {
  add(kHello);
  auto [status, done] = post("/api/v1/executions/company.team/hello?wait=true", "");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(done["state"]["current"], "SUCCESS");
}

TEST_F(ApiServerTest, SearchFiltersAndPagesNewestFirst) {
  add(kHello);
  add(kSlow);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(engine.submit("company.team", "hello")->id);
  engine.submit("company.team", "slow");
  settle();
  auto [status, page] = get("/api/v1/executions/search?namespace=company.team&flowId=hello&size=2&page=2");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(page["total"], 5);
  ASSERT_EQ(page["results"].size(), 2u);
  EXPECT_EQ(page["results"][0]["id"], ids[2]);
  EXPECT_EQ(page["results"][1]["id"], ids[1]);
  EXPECT_EQ(get("/api/v1/executions/search?state=RUNNING").second["total"], 1);
  EXPECT_EQ(get("/api/v1/executions/search?state=SLEEPY"),
            (std::pair<int, Value>{400, error(400, "Unknown state 'SLEEPY'")}));
  EXPECT_EQ(get("/api/v1/executions/search?size=0"),
            (std::pair<int, Value>{400, error(400, "Query parameter 'size' must be a number from 1 to 1000, got '0'")}));
  EXPECT_EQ(get("/api/v1/executions/search?page=x").first, 400);
}

TEST_F(ApiServerTest, AnExecutionTheStoreCannotRecordIs503) {
  add(kHello);
  engine.repository().close();  // as a database that went away
  auto [status, body] = post("/api/v1/executions/company.team/hello", "");
  EXPECT_EQ(status, 503);
  EXPECT_EQ(body["message"].get<std::string>().rfind("The execution could not be recorded: ", 0), 0u) << body;
}

// Every route that reads or writes the store answers 503 with the store's message when it
// fails (the server is at fault, not the request); the others are served from memory.
TEST_F(ApiServerTest, EveryRouteAnswers503WithTheStoresMessageWhenTheStoreFails) {
  add(kHello);
  add(kHook);
  engine.repository().close();  // as a database that went away
  const std::string closed = "The memory repository is closed";
  auto expect_503 = [&](const std::string& what, const std::pair<int, Value>& answer) {
    EXPECT_EQ(answer.first, 503) << what << ": " << answer.second;
    EXPECT_NE(answer.second.value("message", "").find(closed), std::string::npos) << what << ": " << answer.second;
  };
  for (const std::string api : {"/api/v1", "/api/v1/main"}) {
    SCOPED_TRACE(api);
    expect_503("start", post(api + "/executions/company.team/hello", ""));
    expect_503("webhook", post(api + "/executions/webhook/company.team/hook/s3cr3t-key", "{}"));
    expect_503("search", get(api + "/executions/search"));
    expect_503("execution", get(api + "/executions/unknown"));
    expect_503("logs", get(api + "/logs/unknown"));
    expect_503("kill", post(api + "/executions/unknown/kill", ""));
    expect_503("kill (DELETE)", answer(client->Delete(api + "/executions/unknown/kill")));
    expect_503("resume", post(api + "/executions/unknown/resume", ""));
    expect_503("revision", get(api + "/flows/company.team/hello?revision=1"));
    expect_503("revisions", get(api + "/flows/company.team/hello/revisions"));
    std::string other = kHello;
    other.replace(0, 9, "id: other");
    expect_503("create", post_yaml(api + "/flows", other));
    std::string changed = std::string(kHello) + "description: changed\n";
    expect_503("update", put_yaml(api + "/flows/company.team/hello", changed));
    expect_503("delete", answer(client->Delete(api + "/flows/company.team/hello")));
  }
  EXPECT_EQ(get("/api/v1/flows/company.team").first, 200);
  EXPECT_EQ(get("/api/v1/flows/company.team/hello").first, 200);
  EXPECT_EQ(post_yaml("/api/v1/flows/validate", kHello).first, 200);
}

TEST_F(ApiServerTest, SearchByStartDateRange) {
  add(kHello);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(engine.submit("company.team", "hello")->id);
    settle();
    advance(std::chrono::minutes(1));
  }
  // Started at the epoch, +1 min and +2 min; the bounds are inclusive.
  auto at = [](int minutes) { return format_instant(testing::test_epoch() + std::chrono::minutes(minutes)); };
  auto page = get("/api/v1/executions/search?startDate=" + at(1) + "&endDate=" + at(2)).second;
  EXPECT_EQ(page["total"], 2);
  EXPECT_EQ(page["results"][0]["id"], ids[2]);
  EXPECT_EQ(page["results"][1]["id"], ids[1]);
  EXPECT_EQ(get("/api/v1/executions/search?endDate=" + at(0)).second["total"], 1);
  EXPECT_EQ(get("/api/v1/executions/search?startDate=yesterday"),
            (std::pair<int, Value>{400, error(400, "Query parameter 'startDate' must be an ISO-8601 date-time with a "
                                                   "zone, got 'yesterday'")}));
}

TEST_F(ApiServerTest, KillStopsARunningExecution) {
  add(kSlow);
  auto running = start("slow");
  EXPECT_EQ(post("/api/v1/executions/" + running->id + "/kill", ""),
            (std::pair<int, Value>{202, {{"id", running->id}, {"message", "Kill requested"}}}));
  settle();
  EXPECT_EQ(get("/api/v1/executions/" + running->id).second["state"]["current"], "KILLED");
  EXPECT_EQ(post("/api/v1/executions/" + running->id + "/kill", "").first, 409);
  EXPECT_EQ(post("/api/v1/executions/nope/kill", ""), (std::pair<int, Value>{404, error(404, "Execution 'nope' not found")}));
}

TEST_F(ApiServerTest, ResumeGoesOnWithAPausedExecutionAndItsFormInputs) {
  add(R"(
id: approval
namespace: company.team
tasks:
  - id: approve
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: reason
        type: STRING
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: "{{ outputs.approve.onResume.reason }}"
)");
  auto paused = start("approval");
  ASSERT_EQ(paused->state.current(), State::PAUSED);
  EXPECT_EQ(post("/api/v1/executions/" + paused->id + "/resume", ""),
            (std::pair<int, Value>{422, error(422, "Missing required input 'reason' (STRING)")}));
  httplib::MultipartFormDataItems form = {{"reason", "looks good", "", ""}};
  auto resumed = client->Post(("/api/v1/main/executions/" + paused->id + "/resume").c_str(), form);
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->status, 204);
  EXPECT_EQ(resumed->body, "");
  settle();
  auto ended = get("/api/v1/executions/" + paused->id).second;
  EXPECT_EQ(ended["state"]["current"], "SUCCESS");
  EXPECT_EQ(ended["taskRunList"][1]["outputs"]["value"], "looks good");
  EXPECT_EQ(post("/api/v1/executions/" + paused->id + "/resume", ""),
            (std::pair<int, Value>{409, error(409, "Execution '" + paused->id + "' is not paused: it is SUCCESS")}));
  EXPECT_EQ(post("/api/v1/executions/nope/resume", ""),
            (std::pair<int, Value>{404, error(404, "Execution 'nope' not found")}));
}

TEST_F(ApiServerTest, ResumeTakesAFileForAFileOnResumeInput) {
  add(R"(
id: review
namespace: company.team
tasks:
  - id: upload
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: report
        type: FILE
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: "{{ read(outputs.upload.onResume.report) }}"
)");
  auto paused = start("review");
  ASSERT_EQ(paused->state.current(), State::PAUSED);
  httplib::MultipartFormDataItems other = {{"other", "x", "x.csv", "text/csv"}};
  auto refused = client->Post(("/api/v1/executions/" + paused->id + "/resume").c_str(), other);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 422) << refused->body;
  EXPECT_NE(refused->body.find("'other'"), std::string::npos) << refused->body;
  EXPECT_EQ(get("/api/v1/executions/" + paused->id).second["state"]["current"], "PAUSED");
  httplib::MultipartFormDataItems form = {{"report", "a,b\n1,2\n", "report.csv", "text/csv"}};
  auto resumed = client->Post(("/api/v1/executions/" + paused->id + "/resume").c_str(), form);
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->status, 204) << resumed->body;
  settle();
  auto ended = get("/api/v1/executions/" + paused->id).second;
  EXPECT_EQ(ended["state"]["current"], "SUCCESS");
  EXPECT_EQ(ended["taskRunList"][0]["outputs"]["onResume"]["report"],
            "kestra:///company/team/review/executions/" + paused->id + "/inputs/report/report.csv");
  EXPECT_EQ(ended["taskRunList"][1]["outputs"]["value"], "a,b\n1,2\n");
}

TEST_F(ApiServerTest, WebhookTriggersStartTheFlowWithTheBody) {
  add(kHook);
  auto [status, created] = post("/api/v1/executions/webhook/company.team/hook/s3cr3t-key?source=ci", R"({"text": "deployed"})");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(created["trigger"]["body"], Value({{"text", "deployed"}}));
  EXPECT_EQ(created["trigger"]["parameters"], Value({{"source", Value::array({"ci"})}}));
  settle();
  auto done = engine.execution(created["id"]);
  EXPECT_EQ(done->state.current(), State::SUCCESS);
  EXPECT_EQ(done->logs[0].message, "deployed");
  EXPECT_EQ(post("/api/v1/executions/webhook/company.team/hook/wrong-key", "{}"),
            (std::pair<int, Value>{404, error(404, "Flow 'company.team.hook' has no Webhook trigger with this key")}));
  EXPECT_EQ(post("/api/v1/executions/webhook/company.team/missing/key", "{}").first, 404);
}

// Today's Kestra puts a tenant in every path; its open-source edition has one, main.
TEST_F(ApiServerTest, EveryRouteAnswersUnderTheTenantFormToo) {
  auto [created_status, flow] = post_yaml("/api/v1/main/flows", kHello);
  EXPECT_EQ(created_status, 200);
  EXPECT_EQ(flow["id"], "hello");
  EXPECT_EQ(get("/api/v1/main/flows/company.team/hello").second["id"], "hello");
  EXPECT_EQ(get("/api/v1/main/flows/company.team").second.size(), 1u);
  auto [started_status, started] = post("/api/v1/main/executions/company.team/hello?wait=true", "");
  EXPECT_EQ(started_status, 200);
  EXPECT_EQ(started["state"]["current"], "SUCCESS");
  const std::string id = started["id"];
  EXPECT_EQ(get("/api/v1/main/executions/" + id).second["id"], id);
  EXPECT_EQ(get("/api/v1/main/logs/" + id).second[0]["message"], "Hello world");
  EXPECT_EQ(get("/api/v1/main/executions/search?flowId=hello").second["total"], 1);
  add(kHook);
  EXPECT_EQ(post("/api/v1/main/executions/webhook/company.team/hook/s3cr3t-key", R"({"text": "hi"})").first, 200);
  EXPECT_EQ(answer(client->Delete("/api/v1/main/flows/company.team/hello")).first, 204);
  EXPECT_EQ(get("/api/v1/acme/flows/company.team/hook"),
            (std::pair<int, Value>{404, error(404, "Tenant 'acme' not found: runwatch has one tenant, main")}));
  // A namespace called like a route is still a namespace: the literal path wins.
  EXPECT_EQ(get("/api/v1/flows/company.team/hook").second["id"], "hook");
}

TEST_F(ApiServerTest, TheTenantFormOfTheWebhookIsOpenByDefaultToo) {
  ApiOptions options = ApiOptions::from(Config{});
  options.port = 0;
  options.basic_auth = BasicAuth{"admin", "kestra"};
  serve(options);
  add(kHook);
  EXPECT_EQ(post("/api/v1/main/executions/webhook/company.team/hook/s3cr3t-key", "{}").first, 200);
  EXPECT_EQ(post("/api/v1/executions/webhook/company.team/hook/s3cr3t-key", "{}").first, 200);
  EXPECT_EQ(get("/api/v1/main/executions/search").first, 401);
}

TEST_F(ApiServerTest, BadRequestsAreJsonErrors) {
  add(kHello);
  EXPECT_EQ(post("/api/v1/executions/company.team/missing", "{}"),
            (std::pair<int, Value>{404, error(404, "Flow 'company.team.missing' not found")}));
  auto [malformed_status, malformed] = post("/api/v1/executions/company.team/hello", "{\"name\": ");
  EXPECT_EQ(malformed_status, 400);
  EXPECT_EQ(malformed["message"].get<std::string>().rfind("Malformed JSON body: ", 0), 0u);
  EXPECT_EQ(post("/api/v1/executions/company.team/hello", "[1]"),
            (std::pair<int, Value>{400, error(400, "The inputs must be a JSON object")}));
  EXPECT_EQ(post("/api/v1/executions/company.team/hello?labels=nocolon", "{}"),
            (std::pair<int, Value>{400, error(400, "A label must be key:value, got 'nocolon'")}));
  EXPECT_EQ(get("/api/v1/executions/nope"), (std::pair<int, Value>{404, error(404, "Execution 'nope' not found")}));
  EXPECT_EQ(get("/api/v1/nothing"), (std::pair<int, Value>{404, error(404, "Not found: /api/v1/nothing")}));
  auto wrong = client->Put("/api/v1/executions/search", "", "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->get_header_value("Allow"), "GET");
  auto [big_status, big] = post("/api/v1/executions/company.team/hello", std::string(65 * 1024, ' '));
  EXPECT_EQ(big_status, 413);
  EXPECT_EQ(big, error(413, "The request body is larger than the limit of 65536 bytes"));
  EXPECT_EQ(engine.executions().size(), 0u);
}

TEST_F(ApiServerTest, TheKvStoreIsSetReadListedAndDeleted) {
  auto put = [&](const std::string& path, const std::string& body, httplib::Headers headers = {}) {
    return answer(client->Put(path.c_str(), headers, body, "application/json"));
  };
  EXPECT_EQ(put("/api/v1/namespaces/company.team/kv/config", R"({"channel": "#ops"})"),
            (std::pair<int, Value>{200, Value()}));
  EXPECT_EQ(put("/api/v1/main/namespaces/company.team/kv/greeting", "hello world",
                {{"ttl", "PT1H"}, {"description", "said first"}})
                .first,
            200);
  EXPECT_EQ(put("/api/v1/namespaces/company.team/kv/count", "42").first, 200);
  EXPECT_EQ(get("/api/v1/namespaces/company.team/kv/config"),
            (std::pair<int, Value>{200, {{"type", "JSON"}, {"value", {{"channel", "#ops"}}}}}));
  EXPECT_EQ(get("/api/v1/main/namespaces/company.team/kv/greeting"),
            (std::pair<int, Value>{200, {{"type", "STRING"}, {"value", "hello world"}}}));
  EXPECT_EQ(get("/api/v1/namespaces/company.team/kv/count").second, Value({{"type", "NUMBER"}, {"value", 42}}));
  auto now = format_instant(clock->now());
  EXPECT_EQ(get("/api/v1/namespaces/company.team/kv"),
            (std::pair<int, Value>{200, Value::array({{{"key", "config"},
                                                       {"description", nullptr},
                                                       {"creationDate", now},
                                                       {"updateDate", now},
                                                       {"expirationDate", nullptr}},
                                                      {{"key", "count"},
                                                       {"description", nullptr},
                                                       {"creationDate", now},
                                                       {"updateDate", now},
                                                       {"expirationDate", nullptr}},
                                                      {{"key", "greeting"},
                                                       {"description", "said first"},
                                                       {"creationDate", now},
                                                       {"updateDate", now},
                                                       {"expirationDate", format_instant(clock->now() + 1h)}}})}));
  EXPECT_EQ(answer(client->Delete("/api/v1/namespaces/company.team/kv/count")), (std::pair<int, Value>{200, true}));
  EXPECT_EQ(answer(client->Delete("/api/v1/main/namespaces/company.team/kv/count")),
            (std::pair<int, Value>{200, false}));
  clock->advance(2h);
  EXPECT_EQ(get("/api/v1/namespaces/company.team/kv/greeting"),
            (std::pair<int, Value>{404, error(404, "No value found for key 'greeting' in namespace 'company.team'")}));
  EXPECT_EQ(get("/api/v1/namespaces/company.team/kv").second.size(), 1u);
}

TEST_F(ApiServerTest, BadKvRequestsAreJsonErrors) {
  auto put = [&](const std::string& path, const std::string& body, httplib::Headers headers = {}) {
    return answer(client->Put(path.c_str(), headers, body, "application/json"));
  };
  EXPECT_EQ(put("/api/v1/namespaces/company.team/kv/-bad", "1"),
            (std::pair<int, Value>{
                400, error(400,
                           "Key '-bad' must start with an alphanumeric character (uppercase or lowercase) and can "
                           "contain alphanumeric characters (uppercase or lowercase), dots (.), underscores (_), "
                           "and hyphens (-) only.")}));
  EXPECT_EQ(put("/api/v1/namespaces/company.team/kv/k", "{\"broken\": "),
            (std::pair<int, Value>{400, error(400, "Invalid JSON value for: {\"broken\": ")}));
  EXPECT_EQ(put("/api/v1/namespaces/company.team/kv/k", "1", {{"ttl", "soon"}}),
            (std::pair<int, Value>{400, error(400, "The ttl header is not an ISO-8601 duration: 'soon'")}));
  EXPECT_EQ(get("/api/v1/namespaces/company.team/kv/absent"),
            (std::pair<int, Value>{404, error(404, "No value found for key 'absent' in namespace 'company.team'")}));
  EXPECT_EQ(get("/api/v1/namespaces/Company/kv").first, 400);
  EXPECT_TRUE(engine.kv().list("company.team").empty());
}

TEST_F(ApiServerTest, ItListensOnLoopbackByDefault) { EXPECT_EQ(server->host(), "127.0.0.1"); }

TEST_F(ApiServerTest, WithCredentialsEveryPathButTheOpenUrlsNeedsThem) {
  add(kHello);
  add(kHook);
  auto options = test_options();
  options.basic_auth = BasicAuth{"admin@example.com", "Pa55word"};
  options.open_urls = {"/api/v1/executions/webhook/"};
  serve(options);
  auto refused = client->Post("/api/v1/executions/company.team/hello", "", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(refused->get_header_value("WWW-Authenticate"), "Basic realm=\"Kestra\"");
  EXPECT_EQ(Value::parse(refused->body),
            error(401, "Unauthorized: the API needs basic authentication (kestra.server.basic-auth)"));
  EXPECT_EQ(post_yaml("/api/v1/flows", kSlow).first, 401);
  EXPECT_EQ(get("/api/v1/flows/company.team").first, 401);
  EXPECT_EQ(get("/api/v1/nothing").first, 401);  // unknown paths are not told apart
  client->set_basic_auth("admin@example.com", "wrong");
  EXPECT_EQ(get("/api/v1/flows/company.team").first, 401);
  client->set_basic_auth("admin@example.co", "Pa55word");
  EXPECT_EQ(get("/api/v1/flows/company.team").first, 401);
  EXPECT_EQ(engine.executions().size(), 0u);
  EXPECT_EQ(engine.flow("company.team", "slow"), nullptr);

  client->set_basic_auth("admin@example.com", "Pa55word");
  EXPECT_EQ(post("/api/v1/executions/company.team/hello", "").first, 200);
  // The scheme in any case, as RFC 7235 says.
  httplib::Headers lower = {{"Authorization", "basic " + crypto::base64_encode("admin@example.com:Pa55word")}};
  httplib::Client plain("127.0.0.1", server->port());
  auto listed = plain.Get("/api/v1/flows/company.team", lower);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->status, 200);
  // The Webhook trigger's key is its secret: open, as in Kestra.
  EXPECT_EQ(plain.Post("/api/v1/executions/webhook/company.team/hook/s3cr3t-key", "{}", "application/json")->status, 200);
}

// The client announces a body larger than the limit and sends none of it: the answer
// comes from the headers alone, at once, and the connection is closed.
TEST_F(ApiServerTest, AuthenticationIsDecidedBeforeTheBodyIsRead) {
  auto options = test_options();
  options.basic_auth = BasicAuth{"admin@example.com", "Pa55word"};
  serve(options);
  httplib::Client raw("127.0.0.1", server->port());
  raw.set_read_timeout(std::chrono::seconds(5));
  httplib::Headers headers = {{"Content-Length", "10000000"}};
  auto started = std::chrono::steady_clock::now();
  auto res = raw.Post("/api/v1/flows", headers, std::string(), "application/x-yaml");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(res->get_header_value("Connection"), "close");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
}

TEST_F(ApiServerTest, TextThatIsNotUtf8IsRefusedWhereItEnters) {
  add(kHello);
  add(kHook);
  EXPECT_EQ(post("/api/v1/executions/company.team/hello?labels=team:%86", ""),
            (std::pair<int, Value>{400, error(400, "Query parameter 'labels' is not valid UTF-8")}));
  httplib::MultipartFormDataItems form = {{"name", "\x86\x87", "", ""}};
  EXPECT_EQ(answer(client->Post("/api/v1/executions/company.team/hello", form)),
            (std::pair<int, Value>{400, error(400, "Form field 'name' is not valid UTF-8")}));
  EXPECT_EQ(post("/api/v1/executions/webhook/company.team/hook/s3cr3t-key", "caf\xC3", "text/plain"),
            (std::pair<int, Value>{400, error(400, "The body is not valid UTF-8 (byte 3)")}));
  auto [json_status, json] = post("/api/v1/executions/company.team/hello", "{\"name\": \"\xFF\"}");
  EXPECT_EQ(json_status, 400);
  EXPECT_EQ(json["message"].get<std::string>().rfind("Malformed JSON body: ", 0), 0u);
  std::string flow = kSlow;
  flow.replace(flow.find("nap"), 3, "n\xE9p");
  auto [flow_status, refused] = post_yaml("/api/v1/flows", flow);
  EXPECT_EQ(flow_status, 422);
  EXPECT_EQ(refused["message"], "<flow>:4:10: error: the flow is not valid UTF-8: byte 0xE9 here");
  EXPECT_EQ(engine.flow("company.team", "slow"), nullptr);
  EXPECT_EQ(get("/api/v1/flows/company.team").first, 200);
  EXPECT_EQ(engine.executions().size(), 0u);
}

TEST_F(ApiServerTest, DeeplyNestedJsonIsRefusedAndTheServerGoesOn) {
  add(kHello);
  std::string nested = "{\"name\": " + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  auto options = test_options();
  options.max_request_size = 1024 * 1024;
  serve(options);
  auto [status, body] = post("/api/v1/executions/company.team/hello", nested);
  EXPECT_EQ(status, 400);
  EXPECT_NE(body["message"].get<std::string>().find("nested deeper than 128 levels"), std::string::npos) << body;
  // 100 levels parse: the input is then refused for what it is, a list and not a string.
  std::string deep = "{\"name\": " + std::string(100, '[') + "1" + std::string(100, ']') + "}";
  auto [deep_status, deep_body] = post("/api/v1/executions/company.team/hello", deep);
  EXPECT_EQ(deep_status, 422);
  EXPECT_EQ(deep_body["message"].get<std::string>().find("nested"), std::string::npos) << deep_body;
  EXPECT_EQ(post("/api/v1/executions/company.team/hello", "{}").first, 200);
}

TEST_F(ApiServerTest, WaitTrueAnswers202WithTheExecutionRunningWhenTheWaitRunsOut) {
  add(kSlow);
  auto options = test_options();
  options.wait_timeout = std::chrono::milliseconds(200);
  serve(options);
  auto [status, running] = post("/api/v1/executions/company.team/slow?wait=true", "");
  EXPECT_EQ(status, 202);
  EXPECT_EQ(running["state"]["current"], "RUNNING");
}

// Bytes a template makes (base64decode of a non-UTF-8 value) are repaired where they are
// made: the execution is recorded and answered as JSON, with U+FFFD in their place.
TEST_F(ApiServerTest, TemplateOutputThatIsNotUtf8ReachesTheApiRepaired) {
  add(R"(id: bytes
namespace: company.team
tasks:
  - id: decode
    type: io.kestra.plugin.core.debug.Return
    format: "{{ 'aIY=' | base64decode }}"
)");
  auto done = start("bytes");
  ASSERT_EQ(done->state.current(), State::SUCCESS);
  auto [status, execution] = get("/api/v1/executions/" + done->id);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(execution["taskRunList"][0]["outputs"]["value"], "h\xEF\xBF\xBD");
}

// A chunked body has no length to refuse up front: it is counted while it is read and
// refused as soon as it passes the limit (64 KiB here), before the rest is read.
TEST_F(ApiServerTest, AChunkedBodyOverTheLimitIs413AsItIsRead) {
  RawConnection raw(server->port());
  raw.send("POST /api/v1/flows HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-yaml\r\n"
           "Transfer-Encoding: chunked\r\n\r\n");
  const std::string chunk = "1000\r\n" + std::string(4096, '#');
  for (int i = 0; i < 17; ++i) raw.send(i == 0 ? chunk : "\r\n" + chunk);  // the 17th passes 64 KiB
  std::string answer = raw.read_all();
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 413") << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  EXPECT_EQ(answer.substr(answer.find("\r\n\r\n") + 4),
            R"({"message":"The request body is larger than the limit of 65536 bytes","status":413})");
  EXPECT_EQ(get("/api/v1/flows/company.team").first, 200);  // the server goes on
}

// A multipart form is counted the same way, its fields' bytes as they come.
TEST_F(ApiServerTest, AChunkedFormOverTheLimitIs413AsItIsRead) {
  add(kHello);
  RawConnection raw(server->port());
  raw.send("POST /api/v1/executions/company.team/hello HTTP/1.1\r\nHost: localhost\r\n"
           "Content-Type: multipart/form-data; boundary=XyZ\r\nTransfer-Encoding: chunked\r\n\r\n");
  const std::string head = "--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n";
  std::ostringstream size;
  size << std::hex << head.size();
  raw.send(size.str() + "\r\n" + head);
  for (int i = 0; i < 17; ++i) raw.send("\r\n1000\r\n" + std::string(4096, 'a'));  // 68 KiB of one field
  std::string answer = raw.read_all();
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 413") << answer;
  EXPECT_EQ(answer.substr(answer.find("\r\n\r\n") + 4),
            R"({"message":"The request body is larger than the limit of 65536 bytes","status":413})");
  EXPECT_EQ(engine.executions().size(), 0u);
  EXPECT_EQ(get("/api/v1/flows/company.team").first, 200);
}

TEST_F(ApiServerTest, AChunkedBodyUnderTheLimitIsRead) {
  std::string flow = kHello;
  auto res = client->Post(
      "/api/v1/flows",
      [&](size_t offset, httplib::DataSink& sink) {
        if (offset < flow.size()) sink.write(flow.data() + offset, std::min<size_t>(20, flow.size() - offset));
        else sink.done();
        return true;
      },
      "application/x-yaml");
  EXPECT_EQ(answer(res).first, 200);
  EXPECT_NE(engine.flow("company.team", "hello"), nullptr);
}

// A byte every 50 ms keeps each read under its idle timeout (300 ms here): the request as
// a whole must still arrive within it, or the connection is closed.
TEST_F(ApiServerTest, AClientThatSendsItsRequestTooSlowlyIsCutOff) {
  auto options = test_options();
  options.read_idle_timeout = std::chrono::milliseconds(300);
  serve(options);
  RawConnection raw(server->port());
  raw.send("GET /api/v1/flows/company.team HTTP/1.1\r\nX-Slow: ");
  int sent = 0;
  for (; sent < 200 && !raw.closed_by_server(); ++sent) {
    raw.send("a");
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(raw.closed_by_server()) << "still open after " << sent << " bytes";
  EXPECT_EQ(raw.read_all(), "");
  EXPECT_EQ(get("/api/v1/flows/company.team").first, 200);
}

// A client reading a large answer a little at a time, each read before the per-write
// timeout, would hold its request thread for as long as it likes: the whole answer must
// be read within write_idle_timeout, so the only request thread serves the next client.
TEST_F(ApiServerTest, AClientThatReadsItsAnswerTooSlowlyIsCutOff) {
  add(R"(id: chatty
namespace: company.team
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: ["{{ range(0, 100000) | join(',') }}", "{{ range(0, 100000) | join(',') }}",
              "{{ range(0, 100000) | join(',') }}", "{{ range(0, 100000) | join(',') }}",
              "{{ range(0, 100000) | join(',') }}", "{{ range(0, 100000) | join(',') }}",
              "{{ range(0, 100000) | join(',') }}", "{{ range(0, 100000) | join(',') }}"]
)");
  auto chatty = start("chatty");
  ASSERT_EQ(chatty->state.current(), State::SUCCESS);
  auto options = test_options();
  options.threads = 1;
  options.write_idle_timeout = std::chrono::milliseconds(500);
  serve(options);
  RawConnection slow(server->port(), 4096);
  slow.send("GET /api/v1/logs/" + chatty->id + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
  std::atomic<bool> done{false};
  std::thread reader([&] {  // 1 KiB every 100 ms: always well within the per-write timeout
    while (!done && slow.read_some(1024) > 0) std::this_thread::sleep_for(100ms);
  });
  std::this_thread::sleep_for(200ms);  // the slow answer has the thread
  client->set_read_timeout(20s);
  auto next = get("/api/v1/flows/company.team");
  done = true;
  slow.close();
  reader.join();
  EXPECT_EQ(next.first, 200);
}

// With one request thread, a ?wait=true whose client left must give the thread back.
TEST_F(ApiServerTest, AWaitEndsWhenItsClientLeaves) {
  waiting_client(1)->close();
  EXPECT_EQ(get("/api/v1/flows/company.team").first, 200);
}

// stop() ends the connections, so a request thread in a long wait cannot hold it.
TEST_F(ApiServerTest, StopEndsARequestThatWaits) {
  auto raw = waiting_client(8);
  auto stopped = std::async(std::launch::async, [&] { server->stop(); });
  ASSERT_EQ(stopped.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(raw->read_all(), "");
}

constexpr const char* kAlertFlows[] = {R"(
id: nightly
namespace: company.team
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
)",
                                       R"(
id: alerts
namespace: company.monitoring
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.status }}"
triggers:
  - id: failures
    type: io.runwatch.plugin.trigger.Alert
    consecutive: 2
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: company.team
)"};

TEST_F(ApiServerTest, TheCurrentAlertsAreListedWithTheirTriggerAndFiltered) {
  for (const char* flow : kAlertFlows) add(flow);
  auto first = start("nightly");
  auto [status, pending] = get("/api/v1/alerts");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(pending, Value::parse(R"([{"labels": {"namespace": "company.team", "flowId": "nightly"},
    "status": "pending", "streak": 1, "count": 1, "startsAt": null, "firstExecutionId": ")" +
                                  first->id + R"(", "lastExecutionId": ")" + first->id + R"(", "lastDate": ")" +
                                  format_instant(testing::test_epoch()) + R"(", "lastState": "FAILED",
    "alert": {"namespace": "company.monitoring", "flowId": "alerts", "triggerId": "failures"}}])"));
  start("nightly");
  EXPECT_EQ(get("/api/v1/alerts?status=firing").second.size(), 1u);
  EXPECT_EQ(get("/api/v1/alerts?status=firing").second[0]["streak"], 2);
  EXPECT_EQ(get("/api/v1/alerts?status=pending").second.size(), 0u);
  EXPECT_EQ(get("/api/v1/alerts?alert=company.monitoring.alerts&flowId=nightly").second.size(), 1u);
  EXPECT_EQ(get("/api/v1/alerts?alert=company.monitoring.other").second.size(), 0u);
  EXPECT_EQ(get("/api/v1/alerts?namespace=company.other").second.size(), 0u);
  EXPECT_EQ(get("/api/v1/main/alerts?status=firing").second.size(), 1u);
  EXPECT_EQ(get("/api/v1/alerts?status=burning"),
            std::make_pair(400, error(400, "status must be pending, firing or resolved, not 'burning'")));
}

TEST_F(ApiServerTest, TheAlertHistoryIsSearchedNewestFirstWithItsFiltersAndPages) {
  for (const char* flow : kAlertFlows) add(flow);
  start("nightly");
  auto last = start("nightly");
  advance(30s);        // fired
  advance(4h + 5min);  // repeated
  engine.wait_recorded();
  auto notified = engine.executions({.ns = "company.monitoring"});
  ASSERT_EQ(notified.size(), 2u);
  auto entry = [&](const char* status, Duration after, const char* reason, const Engine::Snapshot& notification) {
    return Value::parse(R"({"date": ")" + format_instant(testing::test_epoch() + after) + R"(", "status": ")" + status +
                        R"(", "alert": {"namespace": "company.monitoring", "flowId": "alerts", "triggerId": "failures"},
      "namespace": "company.team", "flowId": "nightly", "executionId": ")" +
                        last->id + R"(",
      "groupKey": "company.monitoring.alerts/failures", "labels": {"namespace": "company.team", "flowId": "nightly"},
      "notificationExecutionId": ")" +
                        notification->id + R"(", "taskId": "", "reason": ")" + reason + R"(",
      "idempotencyKey": ""})");
  };
  const Value fired = entry("fired", 30s, "first", notified[0]);
  const Value repeated = entry("repeated", 4h + 5min + 30s, "repeat", notified[1]);
  EXPECT_EQ(get("/api/v1/alerts/history"), std::make_pair(200, Value({{"results", {repeated, fired}}, {"total", 2}})));
  EXPECT_EQ(get("/api/v1/alerts/history?size=1&page=2").second, Value({{"results", {fired}}, {"total", 2}}));
  EXPECT_EQ(get("/api/v1/alerts/history?status=fired&flowId=nightly&namespace=company.team").second,
            Value({{"results", {fired}}, {"total", 1}}));
  EXPECT_EQ(get("/api/v1/alerts/history?alert=company.monitoring.alerts&startDate=" +
                format_instant(testing::test_epoch() + 1h))
                .second,
            Value({{"results", {repeated}}, {"total", 1}}));
  EXPECT_EQ(get("/api/v1/alerts/history?endDate=" + format_instant(testing::test_epoch() + 30s)).second["total"], 1);
  EXPECT_EQ(get("/api/v1/alerts/history?flowId=other").second, Value({{"results", Value::array()}, {"total", 0}}));
  EXPECT_EQ(get("/api/v1/main/alerts/history?status=repeated").second["total"], 1);
  EXPECT_EQ(get("/api/v1/alerts/history?status=burning"),
            std::make_pair(400, error(400,
                                      "status must be one of fired, grouped, repeated, resolved, suppressed, "
                                      "delivered, failed, not 'burning'")));
  EXPECT_EQ(get("/api/v1/alerts/history?startDate=yesterday").first, 400);
  EXPECT_EQ(get("/api/v1/alerts/history?size=0").first, 400);
  // Hostile filters: bytes that are not UTF-8, a huge value; a clear answer, the server alive.
  EXPECT_EQ(get("/api/v1/alerts/history?status=%FF%FE"),
            std::make_pair(400, error(400, "Query parameter 'status' is not valid UTF-8")));
  EXPECT_EQ(get("/api/v1/alerts/history?flowId=%FF"),
            std::make_pair(400, error(400, "Query parameter 'flowId' is not valid UTF-8")));
  EXPECT_EQ(get("/api/v1/alerts/history?namespace=" + std::string(4000, 'n')).second["total"], 0);
  EXPECT_EQ(get("/api/v1/alerts/history").second["total"], 2);
}

TEST_F(ApiServerTest, SilencesAreAddedListedReadAndExpiredInAlertmanagersShape) {
  auto [refused_status, refused] = post("/api/v1/silences", R"({"matchers": [], "endsAt": "2023-11-15T00:00:00Z"})");
  EXPECT_EQ(refused_status, 400);
  EXPECT_EQ(refused, error(400, "matchers: at least one matcher required"));
  EXPECT_EQ(post("/api/v1/silences", "{").first, 400);
  std::string deep(200, '[');
  EXPECT_EQ(post("/api/v1/silences", deep + std::string(200, ']')).first, 400);
  EXPECT_EQ(post("/api/v1/silences", "{\"matchers\": [{\"name\": \"flowId\", \"value\": \"\xff\"}]}").first, 400);

  auto [status, created] = post("/api/v1/silences", R"({"matchers": [{"name": "flowId", "value": "nightly"}],
      "endsAt": "2023-11-15T00:00:00Z", "createdBy": "ops", "comment": "fixing it"})");
  EXPECT_EQ(status, 200);
  const std::string id = created["id"];
  EXPECT_EQ(created, Value({{"id", id}, {"silenceID", id}, {"status", {{"state", "active"}}}}));
  const Value expected = Value::parse(R"({"id": ")" + id + R"(", "matchers": [{"name": "flowId", "value": "nightly",
      "isRegex": false, "isEqual": true}], "startsAt": "2023-11-14T22:13:20Z", "endsAt": "2023-11-15T00:00:00Z",
      "updatedAt": "2023-11-14T22:13:20Z", "createdBy": "ops", "comment": "fixing it", "status": {"state": "active"}})");
  EXPECT_EQ(get("/api/v1/silences/" + id), std::make_pair(200, expected));
  EXPECT_EQ(get("/api/v1/silences"), std::make_pair(200, Value::array({expected})));

  clock->advance(std::chrono::minutes(1));
  auto [expired_status, expired] = answer(client->Delete(("/api/v1/silences/" + id).c_str()));
  EXPECT_EQ(expired_status, 200);
  EXPECT_EQ(expired["status"]["state"], "expired");
  EXPECT_EQ(expired["endsAt"], "2023-11-14T22:14:20Z");
  EXPECT_EQ(get("/api/v1/main/silences/" + id).second["status"]["state"], "expired");
  EXPECT_EQ(get("/api/v1/silences/nope"), std::make_pair(404, error(404, "Silence 'nope' not found")));
  EXPECT_EQ(answer(client->Delete("/api/v1/silences/nope")).first, 404);
}

}  // namespace
}  // namespace runwatch
