/** What the rest of simopt may use of the Telegence carrier. */
export { TelegenceClient, type Subscriber, type SubscriberPage, type TelegenceClientOptions } from './telegence-client.js'
export { TELEGENCE_TRAITS, TelegenceCarrier, type TelegenceCarrierOptions } from './telegence-carrier.js'
export { FEED_KINDS, parseFeedCsv, parseFeedFileName, type FeedFileName, type FeedKind, type FeedLine } from './feed/feed-format.js'
export { feedText } from './feed/feed-archive.js'
