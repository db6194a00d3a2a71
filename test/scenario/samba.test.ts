import { runScenario } from "./directories";
import { SAMBA } from "./profiles";

runScenario(SAMBA);
