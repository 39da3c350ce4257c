import { weftProject } from "../../vitest.shared.js";

export default weftProject("@weft/e2ee-keys");
