import { runScenario } from "./directories";
import { OPENLDAP } from "./profiles";

runScenario(OPENLDAP);
