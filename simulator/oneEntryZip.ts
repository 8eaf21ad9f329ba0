// A zip holding one deflated file, as Binance's public archive serves its daily files: local header,
// data, central directory, end record. Written by hand: zlib's raw deflate and crc32 are all it needs,
// and the simulator's archive (archive.ts) and bench:import build their zips with it.
import {crc32, deflateRawSync} from "node:zlib";

/**
 * The zip of one file `name` holding `data`, deflated at `level` (zlib's 0–9; default 6).
 *
 *   writeFileSync("BTCUSDT-trades-2024-08-09.zip", oneEntryZip("BTCUSDT-trades-2024-08-09.csv", csv))
 */
export function oneEntryZip(name: string, data: Buffer, level = 6): Buffer {
  const body = deflateRawSync(data, {level}),
    fileName = Buffer.from(name),
    crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
  local.writeUInt16LE(8, 8); // method: deflate
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(body.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28); // the local header's offset (42) is 0
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + fileName.length, 12);
  end.writeUInt32LE(30 + fileName.length + body.length, 16);
  return Buffer.concat([local, fileName, body, central, fileName, end]);
}
