// Kafka's ConsumerProtocol v0 encodings of a member's subscription and assignment, as Kafka's
// DescribeGroups returns them (memberMetadata, memberAssignment): kafkajs's
// AssignerProtocol.MemberMetadata.decode / MemberAssignment.decode read them.
/** Kafka's ConsumerProtocol v0 framing: int16 version, an int32-counted array, empty user data. */
export class Encoder {
  private readonly parts: Buffer[] = [];
  int16(n: number) {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    return this.push(b);
  }
  int32(n: number) {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return this.push(b);
  }
  string(s: string) {
    const bytes = Buffer.from(s, 'utf8');
    return this.int16(bytes.length).push(bytes);
  }
  array<T>(items: T[], write: (e: Encoder, item: T) => unknown) {
    this.int32(items.length);
    for (const item of items) write(this, item);
    return this;
  }
  private push(b: Buffer) {
    this.parts.push(b);
    return this;
  }
  get buffer() {
    return Buffer.concat(this.parts);
  }
}

export function consumerProtocol<T>(items: T[], write: (e: Encoder, item: T) => unknown): Buffer {
  return new Encoder().int16(0).array(items, write).int32(0).buffer;
}
