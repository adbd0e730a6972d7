// Kestra's notification templates rendered with the variables Kestra gives them.
// Templates from kestra-io/plugin-notifications (src/main/resources), Apache-2.0.
#include <gtest/gtest.h>


#include "kestra_notification_templates.h"
#include "runwatch/expr/template.h"

namespace runwatch::expr {
namespace {

using kestra::failed_execution;
using kestra::kPagerDutyTemplate;
using kestra::kSlackTemplate;
using kestra::kTeamsTemplate;
using kestra::successful_execution;


struct Case {
  const char* name;
  const char* tmpl;
  const Value& (*variables)();
  const char* expected;
};

const Case kCases[] = {
    {"SlackFailed", kSlackTemplate, failed_execution, R"peb({
    "text": "*<http://localhost:8080/ui/executions/company.team/etl-daily/4Ve2pCpWHTvPOIE5iS8X1U|[company.team] etl-daily ➛ FAILED>*\n> Failed on task `fetch-data` after PT1M5.25S",
    "blocks": [
        
		{
			"type": "section",
			"text": {
				"type": "mrkdwn",
				"text": "Nightly \"ETL\" failed\nplease check"
			}
		},
        
		{
			"type": "section",
			"text": {
				"type": "mrkdwn",
				"text": "*<http://localhost:8080/ui/executions/company.team/etl-daily/4Ve2pCpWHTvPOIE5iS8X1U|[company.team] etl-daily ➛ FAILED>*\n> Failed on task `fetch-data` after PT1M5.25S"
			},
			"accessory": {
				"type": "button",
				"text": {
					"type": "plain_text",
					"text": "Details"
				}
                ,
				"url": "http://localhost:8080/ui/executions/company.team/etl-daily/4Ve2pCpWHTvPOIE5iS8X1U"
                
			}
		}
    ],
    "attachments": [
       {
          "color": "danger",
          "fields": [
              {
                  "title": "Namespace",
                  "value": "company.team",
                  "short": true
              },
              {
                  "title": "Job",
                  "value": "etl-daily",
                  "short": true
              },
              {
                  "title": "Execution",
                  "value": "4Ve2pCpWHTvPOIE5iS8X1U",
                  "short": true
              },
              {
                  "title": "Status",
                  "value": "FAILED",
                  "short": true
              }
              
              
              ,{
                  "title": "Env",
                  "value": "prod",
                  "short": true
              }
              
              ,{
                  "title": "Retries",
                  "value": 3,
                  "short": true
              }
              
              
          ],
          "ts": 1709647629
      }
    ]
}
)peb"},
    {"SlackSucceeded", kSlackTemplate, successful_execution, R"peb({
    "text": "*<http://localhost:8080/ui/executions/company.team/etl-daily/exec-1|[company.team] etl-daily ➛ SUCCESS>*\n> Succeeded after PT12S",
    "blocks": [
        
		{
			"type": "section",
			"text": {
				"type": "mrkdwn",
				"text": "*<http://localhost:8080/ui/executions/company.team/etl-daily/exec-1|[company.team] etl-daily ➛ SUCCESS>*\n> Succeded after PT12S"
			},
			"accessory": {
				"type": "button",
				"text": {
					"type": "plain_text",
					"text": "Details"
				}
                ,
				"url": "http://localhost:8080/ui/executions/company.team/etl-daily/exec-1"
                
			}
		}
    ],
    "attachments": [
       {
          "color": "good",
          "fields": [
              {
                  "title": "Namespace",
                  "value": "company.team",
                  "short": true
              },
              {
                  "title": "Job",
                  "value": "etl-daily",
                  "short": true
              },
              {
                  "title": "Execution",
                  "value": "exec-1",
                  "short": true
              },
              {
                  "title": "Status",
                  "value": "SUCCESS",
                  "short": true
              }
              
          ],
          "ts": 1709647629
      }
    ]
}
)peb"},
    {"TeamsFailed", kTeamsTemplate, failed_execution, R"peb({
    "@type": "MessageCard",
    "@context": "http://schema.org/extensions",
    "themeColor": "ff0000",
    "summary": "*<http://localhost:8080/ui/executions/company.team/etl-daily/4Ve2pCpWHTvPOIE5iS8X1U|[company.team] etl-daily ➛ FAILED>*\n> Failed on task `fetch-data` after PT1M5.25S",
    "sections": [{
        
        "activityTitle": "ETL alert",
        
        
        "facts": [{
            "name": "Namespace",
            "value": "company.team"
        }, {
            "name": "Job",
            "value": "etl-daily"
        }, {
            "name": "Execution",
            "value": "4Ve2pCpWHTvPOIE5iS8X1U"
        }, {
            "name": "Status",
            "value": "FAILED"
        }],
        "markdown": true
    }]
})peb"},
    {"TeamsSucceeded", kTeamsTemplate, successful_execution, R"peb({
    "@type": "MessageCard",
    "@context": "http://schema.org/extensions",
    "themeColor": "00ff00",
    "summary": "*<http://localhost:8080/ui/executions/company.team/etl-daily/exec-1|[company.team] etl-daily ➛ SUCCESS>*\n> Succeeded after PT12S",
    "sections": [{
        
        
        "facts": [{
            "name": "Namespace",
            "value": "company.team"
        }, {
            "name": "Job",
            "value": "etl-daily"
        }, {
            "name": "Execution",
            "value": "exec-1"
        }, {
            "name": "Status",
            "value": "SUCCESS"
        }],
        "markdown": true
    }]
})peb"},
    {"PagerDutyFailed", kPagerDutyTemplate, failed_execution, R"peb({
        
        
            "dedup_key" : "etl-42",
        
        "event_action" : "acknowledge",
        "payload" : {
            
            "source" : "company.team 4Ve2pCpWHTvPOIE5iS8X1U",
            "severity": "error",
            "custom_details" : [
              {
                  "title": "Flow ID",
                  "value": "etl-daily"
              },
              {
                  "title": "Execution Status",
                  "value": "FAILED"
              }]
        }
        ,
        "links": [
          {
                "href": "*<http://localhost:8080/ui/executions/company.team/etl-daily/4Ve2pCpWHTvPOIE5iS8X1U|[company.team] etl-daily ➛ FAILED>*\n>",
                "text": "Failed on task `fetch-data` after PT1M5.25S"
          }]
})peb"},
    {"PagerDutySucceeded", kPagerDutyTemplate, successful_execution, R"peb({
        
        
        "event_action" : "trigger",
        "payload" : {
            
            "source" : "company.team exec-1",
            "severity": "info",
            "custom_details" : [
              {
                  "title": "Flow ID",
                  "value": "etl-daily"
              },
              {
                  "title": "Execution Status",
                  "value": "SUCCESS"
              }]
        }
        ,
        "links": [
          {
                "href": "*<http://localhost:8080/ui/executions/company.team/etl-daily/exec-1|[company.team] etl-daily ➛ SUCCESS>*\n>",
                "text": "Succeded after PT12S"
          }]
})peb"},
};

class ExprNotificationTemplate : public testing::TestWithParam<Case> {};

TEST_P(ExprNotificationTemplate, RendersExactly) {
  const Case& c = GetParam();
  auto rendered = Template::compile(c.tmpl)->render(c.variables(), builtin_functions());
  EXPECT_EQ(rendered, c.expected);
  EXPECT_NO_THROW(Value::parse(rendered)) << "the message is JSON";
}

INSTANTIATE_TEST_SUITE_P(ExprKestra, ExprNotificationTemplate, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace runwatch::expr
