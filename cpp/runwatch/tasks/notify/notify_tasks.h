#pragma once
// The notification task types, one factory per type; register_notification_tasks adds
// them all.
#include <memory>

#include "runwatch/tasks/task.h"

namespace runwatch {

std::shared_ptr<const TaskType> make_slack_incoming_webhook_task();
std::shared_ptr<const TaskType> make_slack_execution_task();
std::shared_ptr<const TaskType> make_teams_incoming_webhook_task();
std::shared_ptr<const TaskType> make_teams_execution_task();
std::shared_ptr<const TaskType> make_discord_incoming_webhook_task();
std::shared_ptr<const TaskType> make_discord_execution_task();
std::shared_ptr<const TaskType> make_google_chat_incoming_webhook_task();
std::shared_ptr<const TaskType> make_google_chat_execution_task();
std::shared_ptr<const TaskType> make_pagerduty_alert_task();
std::shared_ptr<const TaskType> make_pagerduty_execution_task();
std::shared_ptr<const TaskType> make_opsgenie_alert_task();
std::shared_ptr<const TaskType> make_opsgenie_execution_task();
std::shared_ptr<const TaskType> make_mail_send_task();
std::shared_ptr<const TaskType> make_mail_execution_task();
std::shared_ptr<const TaskType> make_zenduty_alert_task();
std::shared_ptr<const TaskType> make_zenduty_execution_task();
std::shared_ptr<const TaskType> make_squadcast_incoming_webhook_task();
std::shared_ptr<const TaskType> make_squadcast_execution_task();
std::shared_ptr<const TaskType> make_zulip_incoming_webhook_task();
std::shared_ptr<const TaskType> make_zulip_execution_task();
std::shared_ptr<const TaskType> make_telegram_send_task();
std::shared_ptr<const TaskType> make_telegram_execution_task();
std::shared_ptr<const TaskType> make_sendgrid_mail_send_task();
std::shared_ptr<const TaskType> make_sendgrid_mail_execution_task();
std::shared_ptr<const TaskType> make_sentry_alert_task();
std::shared_ptr<const TaskType> make_sentry_execution_task();
std::shared_ptr<const TaskType> make_whatsapp_incoming_webhook_task();
std::shared_ptr<const TaskType> make_whatsapp_execution_task();
std::shared_ptr<const TaskType> make_line_execution_task();
std::shared_ptr<const TaskType> make_twilio_alert_task();
std::shared_ptr<const TaskType> make_twilio_execution_task();
std::shared_ptr<const TaskType> make_messenger_execution_task();
std::shared_ptr<const TaskType> make_x_execution_task();
std::shared_ptr<const TaskType> make_http_request_task();

}  // namespace runwatch
