export {
  decodeSubscriptionPayload,
  DEFAULT_MAX_DECODED_SUBSCRIPTION_BYTES,
  SubscriptionDecodeFailure,
  SubscriptionMessageType,
  type CloudWatchLogEvent,
  type CloudWatchLogsPayload,
  type DecodeSubscriptionPayloadOptions,
  type SubscriptionDecodeError,
} from './decode-subscription-payload.js';
