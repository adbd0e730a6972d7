#pragma once
// Kestra's notification templates and the variables Kestra gives them, shared by the
// template tests and the template benchmark.
// Templates from kestra-io/plugin-notifications (src/main/resources), Apache-2.0.
#include "runwatch/model/value.h"

namespace runwatch::expr::kestra {

inline constexpr const char* kSlackTemplate = R"peb({
    "text": "*<{{link}}|[{{execution.namespace}}] {{execution.flowId}} ➛ {{execution.state.current}}>*\n> {% if firstFailed == false %}Succeeded{% else %}Failed on task `{{firstFailed.taskId}}`{% endif %} after {{duration}}",
    "blocks": [
        {% if customMessage is defined %}
		{
			"type": "section",
			"text": {
				"type": "mrkdwn",
				"text": {{ customMessage | json }}
			}
		},
        {% endif %}
		{
			"type": "section",
			"text": {
				"type": "mrkdwn",
				"text": "*<{{link}}|[{{execution.namespace}}] {{execution.flowId}} ➛ {{execution.state.current}}>*\n> {% if firstFailed == false %}Succeded{% else %}Failed on task `{{firstFailed.taskId}}`{% endif %} after {{duration}}"
			},
			"accessory": {
				"type": "button",
				"text": {
					"type": "plain_text",
					"text": "Details"
				}
                {% if link is defined %},
				"url": "{{link}}"
                {% endif %}
			}
		}
    ],
    "attachments": [
       {
          "color": "{{ execution.state.current == "SUCCESS" ? 'good' : (execution.state.current == "WARNING" ? 'warning' : 'danger') }}",
          "fields": [
              {
                  "title": "Namespace",
                  "value": {{execution.namespace | json }},
                  "short": true
              },
              {
                  "title": "Job",
                  "value": {{execution.flowId | json}},
                  "short": true
              },
              {
                  "title": "Execution",
                  "value": {{execution.id | json}},
                  "short": true
              },
              {
                  "title": "Status",
                  "value": {{execution.state.current | json }},
                  "short": true
              }
              {% if customFields is defined %}
              {% for entry in customFields %}
              ,{
                  "title": {{entry.key | json}},
                  "value": {{entry.value | json }},
                  "short": true
              }
              {% endfor %}
              {% endif %}
          ],
          "ts": {{ startDate  | timestamp }}
      }
    ]
}
)peb";

inline constexpr const char* kTeamsTemplate = R"peb({
    "@type": "MessageCard",
    "@context": "http://schema.org/extensions",
    "themeColor": "{{themeColor}}",
    "summary": "*<{{link}}|[{{execution.namespace}}] {{execution.flowId}} ➛ {{execution.state.current}}>*\n> {% if firstFailed == false %}Succeeded{% else %}Failed on task `{{firstFailed.taskId}}`{% endif %} after {{duration}}",
    "sections": [{
        {% if activityTitle is defined %}
        "activityTitle": "{{activityTitle}}",
        {% endif %}
        {% if activitySubtitle is defined %}
        "activitySubtitle": "{{activitySubtitle}}",
        {% endif %}
        "facts": [{
            "name": "Namespace",
            "value": "{{execution.namespace}}"
        }, {
            "name": "Job",
            "value": "{{execution.flowId}}"
        }, {
            "name": "Execution",
            "value": "{{execution.id}}"
        }, {
            "name": "Status",
            "value": "{{execution.state.current}}"
        }],
        "markdown": true
    }]
})peb";

inline constexpr const char* kPagerDutyTemplate = R"peb({
        {% if rountingKey is defined %}
            "rounting_key": "{{rountingKey}}",
        {% endif %}
        {% if deduplicationKey is defined %}
            "dedup_key" : "{{deduplicationKey}}",
        {% endif %}
        "event_action" : "{% if eventAction is defined %}{{eventAction}}{% elseif deduplicationKey is defined %}acknowledge{% else %}trigger{% endif %}",
        "payload" : {
            {% if payloadSummary is defined %}
              "summary": "{{payloadSummary}}",
            {% endif %}
            "source" : "{{execution.namespace}} {{execution.id}}",
            "severity": "{% if firstFailed == false %}info{% else %}error{% endif %}",
            "custom_details" : [
              {
                  "title": "Flow ID",
                  "value": {{execution.flowId | json}}
              },
              {
                  "title": "Execution Status",
                  "value": {{execution.state.current | json }}
              }]
        }
        ,
        "links": [
          {
                "href": "*<{{link}}|[{{execution.namespace}}] {{execution.flowId}} ➛ {{execution.state.current}}>*\n>",
                "text": "{% if firstFailed == false %}Succeded{% else %}Failed on task `{{firstFailed.taskId}}`{% endif %} after {{duration}}"
          }]
})peb";

// An execution that failed on a task, with every optional variable a template reads.
inline const Value& failed_execution() {
  static const Value v = Value::parse(R"peb({"execution": {"id": "4Ve2pCpWHTvPOIE5iS8X1U", "namespace": "company.team", "flowId": "etl-daily", "state": {"current": "FAILED"}},
 "link": "http://localhost:8080/ui/executions/company.team/etl-daily/4Ve2pCpWHTvPOIE5iS8X1U",
 "duration": "PT1M5.25S", "firstFailed": {"taskId": "fetch-data"}, "startDate": "2024-03-05T14:07:09.123Z",
 "customMessage": "Nightly \"ETL\" failed\nplease check", "customFields": {"Env": "prod", "Retries": 3},
 "themeColor": "ff0000", "activityTitle": "ETL alert", "deduplicationKey": "etl-42"})peb");
  return v;
}

// A successful execution with only the variables that are always there.
inline const Value& successful_execution() {
  static const Value v = Value::parse(R"peb({"execution": {"id": "exec-1", "namespace": "company.team", "flowId": "etl-daily", "state": {"current": "SUCCESS"}},
 "link": "http://localhost:8080/ui/executions/company.team/etl-daily/exec-1",
 "duration": "PT12S", "firstFailed": false, "startDate": "2024-03-05T14:07:09Z", "themeColor": "00ff00"})peb");
  return v;
}

}  // namespace runwatch::expr::kestra
