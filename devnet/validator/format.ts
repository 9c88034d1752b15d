// The format rules moved to shared/ so that the app's preflight and the validator share them.
export { formatProblem, textOf } from '../../shared/format-check';
