import { runScenario } from "./directories";
import { OPEN_DIRECTORY } from "./profiles";

runScenario(OPEN_DIRECTORY);
