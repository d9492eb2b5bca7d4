import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertsProps {
  /** An address subscribed to the alerts (it must confirm the subscription from the e-mail SNS sends). */
  readonly email?: string;
}

/**
 * The platform operator's alerts: one SNS topic that every alarm of the product notifies, when it goes into alarm
 * and when it recovers. Subscribe an address at deploy time (`ALERT_EMAIL`) or later in the console.
 */
export class Alerts extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlertsProps = {}) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Factures de travaux : alertes d’exploitation',
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
  }

  /** Sends `alarm`'s changes (into alarm, back to OK) to the topic. */
  watch(alarm: cloudwatch.Alarm): cloudwatch.Alarm {
    const action = new actions.SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }
}
