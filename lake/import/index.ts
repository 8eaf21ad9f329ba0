// Binance public-archive import (data.binance.vision): spot trades → ticks/, spot aggTrades → aggtrades/,
// USD-M aggTrades → ticks/market=usdm, USD-M fundingRate → funding/.
export {
  type ArchiveKind,
  type ArchiveName,
  archiveName,
  type ArchiveType,
  archiveUrl,
  dailyArchiveName,
  dailyArchiveUrl,
  dateRange,
  monthRange,
  parseArchiveName,
} from "./archiveName.js";
export {ChecksumMismatch, expectedChecksum, parseChecksum, sha256File, verifyChecksum} from "./checksum.js";
export {type CsvShape, csvShape, type TimeUnit} from "./csvShape.js";
export {aggTrades, type Dataset, datasetFiles, datasetOf, ticks, usdmTicks} from "./datasets.js";
export {download, DownloadError, type DownloadOptions} from "./download.js";
export {ArchiveFileError} from "./errors.js";
export {parseFundingCsv} from "./fundingCsv.js";
export {loadFunding, type LoadedFunding, publishFunding} from "./importFunding.js";
export {type ImportCounts, importCsv, loadCsv, type LoadedCsv, publishLoaded} from "./importCsv.js";
export {
  type ArchiveRange,
  defaultJobs,
  type ImportEvent,
  importFiles,
  type ImportJob,
  type ImportOptions,
  importRange,
  importRanges,
  type ImportSummary,
  resolveJob,
} from "./importArchives.js";
export {extractCsv, zipEntries} from "./zip.js";
