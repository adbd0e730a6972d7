// The router, over real HTTP on loopback: which route a path reaches, and how handlers'
// errors are answered.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>

#include "runwatch/model/json_text.h"
#include "runwatch/server/http_listener.h"
#include "runwatch/server/router.h"
#include "runwatch/store/store_error.h"

namespace runwatch {
namespace {

struct Served {
  explicit Served(Router& router) {
    server = new_http_server("test server", TlsSettings{});
    router.serve(*server, nullptr, 1024);
    listener.emplace(*server, "test server", "127.0.0.1", 0, "test-http", 2, std::chrono::seconds(5),
                     std::chrono::seconds(5));
    client = std::make_unique<httplib::Client>("127.0.0.1", listener->port());
  }
  std::unique_ptr<httplib::Server> server;
  std::optional<HttpListener> listener;
  std::unique_ptr<httplib::Client> client;
};

Router::Handler answering(std::string text) {
  return [text](const Match& m) { return Answer::json({{"route", text}, {"params", Value(m.params)}}); };
}

TEST(ServerRouter, ExactSegmentsWinOverParametersWhateverTheOrderOfRoutes) {
  Router router;
  router.get("/api/{id}", answering("by id"));
  router.post("/api/{namespace}/{flowId}", answering("start"));
  router.get("/api/search", answering("search"));
  router.post("/api/{id}/kill", answering("kill"));
  Served served(router);
  auto route_of = [&](httplib::Result result) { return parse_json(result->body)["route"].get<std::string>(); };
  EXPECT_EQ(route_of(served.client->Get("/api/search")), "search");
  EXPECT_EQ(route_of(served.client->Get("/api/abc")), "by id");
  EXPECT_EQ(route_of(served.client->Post("/api/abc/kill")), "kill");
  EXPECT_EQ(route_of(served.client->Post("/api/company/etl")), "start");
  auto wrong_method = served.client->Delete("/api/search");
  EXPECT_EQ(wrong_method->status, 405);
  EXPECT_EQ(wrong_method->get_header_value("Allow"), "GET");
}

TEST(ServerRouter, EachKindOfErrorIsAnsweredWithItsStatusOnce) {
  Router router;
  router.get("/invalid", [](const Match&) -> Answer { throw Error("refused"); });
  router.get("/missing", [](const Match&) -> Answer { throw NotFoundError("no such thing"); });
  router.get("/store", [](const Match&) -> Answer { throw store::StoreError("disk full"); });
  router.get("/status", [](const Match&) -> Answer { throw HttpStatusError(409, "busy"); });
  router.get("/bug", [](const Match&) -> Answer { throw std::logic_error("oops"); });
  Served served(router);
  auto answer = [&](const char* path) {
    auto result = served.client->Get(path);
    return std::to_string(result->status) + " " + parse_json(result->body)["message"].get<std::string>();
  };
  EXPECT_EQ(answer("/invalid"), "422 refused");
  EXPECT_EQ(answer("/missing"), "404 no such thing");
  EXPECT_EQ(answer("/store"), "503 disk full");
  EXPECT_EQ(answer("/status"), "409 busy");
  EXPECT_EQ(answer("/bug"), "500 Internal error: oops");
}

}  // namespace
}  // namespace runwatch
