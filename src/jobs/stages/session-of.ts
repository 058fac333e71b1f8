/** The session a stage's entity belongs to (`Stage.sessionOf`), for the stages working on an instance or a component. */
export { sessionOfComponent, sessionOfInstance } from '../../store/index.js'
