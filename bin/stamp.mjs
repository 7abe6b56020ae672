#!/usr/bin/env node
// The npm `bin` entry of `stamp`: registers tsx's loader, then runs the TypeScript entry point.
import { register } from "tsx/esm/api";

register();
await import("./stamp-main.ts");
