import { weftBuild } from "../../tsup.config.base.js";

export default weftBuild(["src/index.ts", "src/conformance.ts"]);
