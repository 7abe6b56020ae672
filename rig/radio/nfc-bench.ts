/**
 * What the nfc-station campaign needs to reach a host through the NFC counter-station path, carried
 * on its Target (`nfcBench`) as floods carry their flood bench: a PC/SC reader served by pcscd
 * whose cards are virtual (vsmartcard's vpcd: a card enters the reader's field by connecting to a
 * TCP port). The rig's test code starts one (test/rig/nfc-bench-pcscd.ts, with the same pcscd
 * harness as the NFC tests); without it, the campaign says it did not run.
 */
export interface NfcBench {
  /** Shown in the report: what runs the reader. */
  label: string;
  /** The PC/SC name of the reader the station serves (a substring match, as `startNfcStation`'s readerName). */
  readerName: string;
  /** vpcd's port for that reader: a virtual card (a stamp or an attacker's card emulation) connects here to enter the field. */
  vpcdPort: number;
  /** pcscd's socket: the station's PC/SC helper finds pcscd there (PCSCLITE_CSOCK_NAME, as for `stamp serve --nfc`). */
  pcscSocket: string;
}
