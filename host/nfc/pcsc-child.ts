/**
 * The PC/SC side of the NFC station, in its own process (host/nfc/pcsc-supervisor.ts starts it).
 *
 * @pokusew/pcsclite's context constructor retries SCardEstablishContext in a loop on the
 * JavaScript thread for as long as pcscd is missing (the known upstream endless retry): a
 * process that makes the context there stops answering timers and signals and burns a core.
 * Here that can only stall this helper, which the station reports, kills and restarts with
 * backoff. Readers, cards and APDUs go to the station as IPC messages.
 */
import { openPcscContext, pcscFailure, PcscReader, readerTransport } from "./nfc-pcsc-reader";
import type { FromPcscChild, ToPcscChild, WireTagError } from "./pcsc-supervisor";
import { TagError } from "./tag-link";

function send(message: FromPcscChild): void {
  if (process.send !== undefined && process.connected) process.send(message);
}

function wire(error: TagError): WireTagError {
  return { failure: error.failure, message: error.message };
}

if (process.send === undefined) {
  console.error("pcsc-child: run by the NFC station (an IPC channel is needed)");
  process.exit(2);
}
// The station went away: nothing to serve.
process.on("disconnect", () => process.exit(0));

const readers = new Map<string, PcscReader>();

process.on("message", (raw: unknown) => {
  const message = raw as ToPcscChild;
  if (message.t !== "transmit") return;
  const reader = readers.get(message.reader);
  const run = async (): Promise<Uint8Array> => {
    if (reader === undefined) throw new TagError("reader", `reader ${message.reader} is gone`);
    return readerTransport(reader).transmit(new Uint8Array(message.apdu), message.max);
  };
  run().then(
    (data) => send({ t: "reply", id: message.id, ok: true, data: data }),
    (error: unknown) => send({ t: "reply", id: message.id, ok: false, error: wire(pcscFailure(error, "APDU")) }),
  );
});

send({ t: "loaded" });
// May not return while pcscd is missing: the supervisor times this out.
const context = openPcscContext();
send({ t: "context" });

context.on("reader", (reader) => {
  reader.autoProcessing = false;
  readers.set(reader.name, reader);
  reader.on("card", () => send({ t: "card", reader: reader.name, present: true }));
  reader.on("card.off", () => send({ t: "card", reader: reader.name, present: false }));
  reader.on("error", (error) => send({ t: "reader-error", reader: reader.name, error: wire(pcscFailure(error, "reader")) }));
  reader.on("end", () => {
    readers.delete(reader.name);
    send({ t: "reader-end", reader: reader.name });
  });
  send({ t: "reader", reader: reader.name });
});
context.on("error", (error) => send({ t: "error", error: wire(pcscFailure(error, "PC/SC")) }));
