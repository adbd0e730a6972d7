#include "runwatch/tasks/builtin.h"
#include "runwatch/tasks/notify/notify_tasks.h"
#include "runwatch/tasks/registry.h"

namespace runwatch {

void register_notification_tasks(PluginRegistry& registry) {
  for (auto make : {make_slack_incoming_webhook_task,
                    make_slack_execution_task,
                    make_teams_incoming_webhook_task,
                    make_teams_execution_task,
                    make_discord_incoming_webhook_task,
                    make_discord_execution_task,
                    make_google_chat_incoming_webhook_task,
                    make_google_chat_execution_task,
                    make_pagerduty_alert_task,
                    make_pagerduty_execution_task,
                    make_opsgenie_alert_task,
                    make_opsgenie_execution_task,
                    make_mail_send_task,
                    make_mail_execution_task,
                    make_zenduty_alert_task,
                    make_zenduty_execution_task,
                    make_squadcast_incoming_webhook_task,
                    make_squadcast_execution_task,
                    make_zulip_incoming_webhook_task,
                    make_zulip_execution_task,
                    make_telegram_send_task,
                    make_telegram_execution_task,
                    make_sendgrid_mail_send_task,
                    make_sendgrid_mail_execution_task,
                    make_sentry_alert_task,
                    make_sentry_execution_task,
                    make_whatsapp_incoming_webhook_task,
                    make_whatsapp_execution_task,
                    make_line_execution_task,
                    make_twilio_alert_task,
                    make_twilio_execution_task,
                    make_messenger_execution_task,
                    make_x_execution_task,
                    make_http_request_task})
    registry.add_task(make());
}

}  // namespace runwatch
