// What `onboard lab serve` reports: one event per CRL served or reloaded, per OCSP answer, and per device accepted or rejected.

export interface LabServerEvent {
  time: string;
  kind: 'accepted' | 'rejected' | 'crl-served' | 'crl-reloaded' | 'ocsp-answered';
  /** The client certificate's CN, when the device sent one. */
  device?: string;
  serial?: string;
  remoteAddress?: string;
  /** Why a device was rejected, in the words a technician understands. */
  reason?: string;
  /** One line for a log file or terminal. */
  message: string;
}

/** Reports an event; the time is added by whoever started the servers. */
export type LabServerLog = (e: Omit<LabServerEvent, 'time'>) => void;
