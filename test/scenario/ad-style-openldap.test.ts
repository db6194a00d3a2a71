import { runScenario } from "./directories";
import { AD_STYLE_OPENLDAP } from "./profiles";

runScenario(AD_STYLE_OPENLDAP);
