// boot.js: the tiny script index.html runs before the app's own, to start the first reading of the Mac early.
import { startEarly } from './api';

startEarly();
