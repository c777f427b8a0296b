import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { ReportNotifier } from '../scheduled-report/index.js';

/**
 * The scheduled report's summary published to an SNS topic (subject and plain text: e-mail
 * subscribers read both). An SNS error is thrown as the SDK raised it.
 *
 * @example await createSnsReportNotifier({ client, topicArn }).publish('Security-group report ...', summary)
 */
export function createSnsReportNotifier({ client, topicArn }: { readonly client: SNSClient; readonly topicArn: string }): ReportNotifier {
  return {
    async publish(subject, message) {
      await client.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
    },
  };
}
