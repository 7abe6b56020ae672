/**
 * The simulated stamp's signer: the same Ed25519 C sources as the ARM blob,
 * built for the host (dist/firmware/ed25519-host) and called synchronously.
 *
 * Each call runs the CLI once with child_process.spawnSync (about a millisecond
 * or two on Linux), which keeps the API synchronous like the firmware's Signer
 * without worker threads or shared memory. The binary is built with
 * `make -C firmware/native host` when it is missing.
 */
import * as fs from "node:fs";
import { HOST_BIN_PATH, runHostCli, runMake } from "./native-tools";

export interface HostNativeSigner {
  publicKey(seed: Uint8Array): Uint8Array;
  sign(seed: Uint8Array, publicKey: Uint8Array, message: Uint8Array): Uint8Array;
  close(): void;
}

export interface HostNativeSignerOptions {
  /** Path of the host CLI; defaults to dist/firmware/ed25519-host. */
  binaryPath?: string;
  /** Build the CLI with make when it does not exist (default true). */
  build?: boolean;
}

function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

function fromHex(line: string | undefined, bytes: number, what: string): Uint8Array {
  if (line === undefined || !/^[0-9a-f]*$/.test(line) || line.length !== bytes * 2) {
    throw new Error(`native signer: unexpected ${what} output: ${String(line)}`);
  }
  return new Uint8Array(Buffer.from(line, "hex"));
}

export function createHostNativeSigner(options: HostNativeSignerOptions = {}): HostNativeSigner {
  const binary = options.binaryPath ?? HOST_BIN_PATH;
  if (!fs.existsSync(binary)) {
    if (options.build === false || binary !== HOST_BIN_PATH) throw new Error(`native signer: ${binary} not found`);
    runMake(["host"]);
  }
  let closed = false;
  const check = (): void => {
    if (closed) throw new Error("native signer: closed");
  };
  return {
    publicKey(seed: Uint8Array): Uint8Array {
      check();
      if (seed.length !== 32) throw new Error("native signer: seed must be 32 bytes");
      return fromHex(runHostCli([`pk ${toHex(seed)}`], binary)[0], 32, "public key");
    },
    sign(seed: Uint8Array, publicKey: Uint8Array, message: Uint8Array): Uint8Array {
      check();
      if (seed.length !== 32) throw new Error("native signer: seed must be 32 bytes");
      if (publicKey.length !== 32) throw new Error("native signer: public key must be 32 bytes");
      const line = `sign ${toHex(seed)} ${toHex(publicKey)}` + (message.length > 0 ? ` ${toHex(message)}` : "");
      return fromHex(runHostCli([line], binary)[0], 64, "signature");
    },
    close(): void {
      closed = true;
    },
  };
}
