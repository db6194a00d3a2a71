import { runScenario } from "./directories";
import { DS389 } from "./profiles";

runScenario(DS389);
