/**
 * Kept only so the files that import `./notices.js` today build until they import `./queue-message.js`;
 * delete it then (issue #17: one name per notification file).
 */
export * from './queue-message.js'
