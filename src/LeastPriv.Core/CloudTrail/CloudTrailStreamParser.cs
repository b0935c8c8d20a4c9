using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace LeastPriv.Core.CloudTrail;

/// <summary>What reading one source produced.</summary>
internal sealed class SourceOutcome
{
    public long RecordsRead { get; set; }

    public long RecordsMatched { get; set; }

    /// <summary>JSON values where a record was expected that are not CloudTrail records.</summary>
    public long ValuesIgnored { get; set; }

    public LeastPrivException? Error { get; set; }

    public bool IsEmpty => Error?.ErrorId == CloudTrailErrors.FileEmpty;
}

/// <summary>
/// Streaming CloudTrail parser: one Utf8JsonReader walks the (decompressed) stream through a
/// pooled buffer that grows only when a single record is larger than it. Reads every shape the
/// engine accepts: <c>{"Records":[...]}</c> as S3 delivers it (any property order), a bare
/// array, a single record, one value per line (NDJSON), and Event history / LookupEvents output
/// (<c>{"Events":[...]}</c> or single events) whose <c>CloudTrailEvent</c> holds the record as a
/// JSON string. One instance per thread; reused across sources.
/// </summary>
internal sealed class CloudTrailStreamParser : IDisposable
{
    private readonly CloudTrailReaderOptions _options;
    private readonly CloudTrailFilter.Compiled _filter;
    private readonly Utf8StringCache _strings = new();
    private readonly JsonReaderOptions _jsonOptions;
    private readonly RecordPrefilter? _prefilter;
    private readonly ScanKernels _kernels;

    // Reader states to hand a scanned array back to the tokenizer: before its first element, after an element.
    private readonly JsonReaderState _arrayStart;
    private readonly JsonReaderState _arrayAfterValue;
    private readonly JsonReaderState _containedArrayStart;
    private readonly JsonReaderState _containedArrayAfterValue;
    private byte[] _buffer;

    // Per-source state.
    private Stream? _stream;
    private string _source = string.Empty;
    private int _pos;
    private int _end;
    private bool _eof;
    private long _bufferOffset;
    private long _damageOffset;
    private JsonReaderState _state;
    private Mode _mode;
    private bool _arrayIsTopLevel;
    private bool _nextObjectIsContainer;
    private bool _sawValue;
    private bool _arrayHasValue;
    private bool _readerTakesNext;
    private SourceOutcome _outcome = new();
    private Action<CloudTrailRecord> _sink = static _ => { };

    public CloudTrailStreamParser(CloudTrailReaderOptions options, CloudTrailFilter.Compiled filter)
    {
        _options = options;
        _filter = filter;
        _jsonOptions = new JsonReaderOptions
        {
            MaxDepth = options.MaxDepth,
            AllowMultipleValues = true,

            // CloudTrail never writes comments; allowing them costs a slower tokenizer path.
            CommentHandling = JsonCommentHandling.Disallow,
        };
        _buffer = ArrayPool<byte>.Shared.Rent(options.InitialBufferBytes);
        _kernels = options.Kernels;
        _prefilter = options.ScanRecordArrays ? RecordPrefilter.For(filter, _kernels) : null;
        _arrayStart = StateAfter("["u8, _jsonOptions);
        _arrayAfterValue = StateAfter("[\"\""u8, _jsonOptions);
        _containedArrayStart = StateAfter("{\"Records\":["u8, _jsonOptions);
        _containedArrayAfterValue = StateAfter("{\"Records\":[\"\""u8, _jsonOptions);
    }

    private static JsonReaderState StateAfter(ReadOnlySpan<byte> prefix, JsonReaderOptions options)
    {
        var reader = new Utf8JsonReader(prefix, isFinalBlock: false, new JsonReaderState(options));
        while (reader.Read())
        {
        }

        return reader.CurrentState;
    }

    private enum Mode
    {
        TopLevel,
        ContainerObject,
        RecordArray,
    }

    private enum Step
    {
        Continue,
        NeedMore,
        Retry,

        /// <summary>The next elements of a record array are found by <see cref="ScanRecords"/>.</summary>
        Scan,
        Done,
    }

    private enum RecordParse
    {
        Complete,

        /// <summary>A record of a caller the filter excludes, passed over without being materialised.</summary>
        Rejected,
        NeedMore,
        ContainerDetected,
    }

    /// <summary>
    /// Reads <paramref name="raw"/> (gzip detected by its magic bytes) and hands every record
    /// that passes the filter to <paramref name="sink"/>, in stream order. Damage never throws:
    /// the records before it have been delivered and the outcome carries the error.
    /// </summary>
    public SourceOutcome Parse(Stream raw, string source, Action<CloudTrailRecord> sink, CancellationToken cancellationToken)
    {
        _outcome = new SourceOutcome();
        _source = source;
        _sink = sink;
        _pos = 0;
        _end = 0;
        _eof = false;
        _bufferOffset = 0;
        _damageOffset = 0;
        _state = new JsonReaderState(_jsonOptions);
        _mode = Mode.TopLevel;
        _nextObjectIsContainer = false;
        _sawValue = false;
        _readerTakesNext = false;
        try
        {
            _stream = OpenContent(raw);
            Run(cancellationToken);
        }
        catch (SinkFailedException ex)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException!).Throw();
        }
        catch (JsonException ex)
        {
            // LineNumber is zero-based and counts from the start of the stream (the reader state carries it over refills).
            _outcome.Error = CloudTrailErrors.Corrupt(source, DamageStart(), ex.LineNumber + 1, "the JSON is malformed or truncated.", ex);
        }
        catch (InvalidOperationException ex) when (ex is not ObjectDisposedException)
        {
            _outcome.Error = CloudTrailErrors.Corrupt(source, _damageOffset, null, "a string is not valid UTF-8.", ex);
        }
        catch (DecoderFallbackException ex)
        {
            _outcome.Error = CloudTrailErrors.Corrupt(source, _damageOffset, null, "a string is not valid UTF-8.", ex);
        }
        catch (InvalidDataException ex)
        {
            _outcome.Error = CloudTrailErrors.Corrupt(source, _bufferOffset + _end, null, "the gzip data is damaged.", ex);
        }
        catch (RecordTooLargeException ex)
        {
            _outcome.Error = CloudTrailErrors.Corrupt(source, _damageOffset, null, ex.Message, ex);
        }
        catch (IOException ex)
        {
            _outcome.Error = CloudTrailErrors.Corrupt(source, _bufferOffset + _end, null, $"reading failed ({ex.Message}).", ex);
        }
        finally
        {
            _stream?.Dispose();
            _stream = null;
            _sink = static _ => { };
        }

        return _outcome;
    }

    /// <summary>Where the damaged value starts: the end of the last good value, past whitespace and separators.</summary>
    private long DamageStart()
    {
        var i = (int)(_damageOffset - _bufferOffset);
        while (i >= 0 && i < _end && _buffer[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)',')
        {
            i++;
        }

        return i >= 0 ? _bufferOffset + i : _damageOffset;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = Array.Empty<byte>();
    }

    private static Stream OpenContent(Stream raw)
    {
        // Gzip is recognised by its magic bytes 1F 8B (RFC 1952), not by the file name:
        // downloads often lose or add the .gz suffix.
        var head = new byte[2];
        var n = 0;
        while (n < 2)
        {
            var read = raw.Read(head, n, 2 - n);
            if (read == 0)
            {
                break;
            }

            n += read;
        }

        Stream content;
        if (raw.CanSeek)
        {
            raw.Seek(-n, SeekOrigin.Current);
            content = raw;
        }
        else
        {
            content = new PrefixedStream(head, n, raw);
        }

        return n == 2 && head[0] == 0x1F && head[1] == 0x8B
            ? new GZipStream(content, CompressionMode.Decompress, leaveOpen: false)
            : content;
    }

    private void Run(CancellationToken cancellationToken)
    {
        Fill();
        if (_end - _pos >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
        {
            // UTF-8 byte order mark, which Utf8JsonReader does not accept.
            _pos = 3;
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var step = RunBuffer();
            if (step == Step.Done)
            {
                break;
            }

            if (step == Step.Scan)
            {
                ScanRecords(cancellationToken);
                continue;
            }

            if (step == Step.NeedMore)
            {
                if (_eof)
                {
                    // A final-block reader throws on truncation; this is only a safety net.
                    throw new JsonException("Unexpected end of data.", null, null, null);
                }

                Fill();
            }
        }

        if (!_sawValue)
        {
            _outcome.Error = CloudTrailErrors.Empty(_source);
        }
        else if (_outcome.RecordsRead == 0 && _outcome.ValuesIgnored > 0)
        {
            _outcome.Error = CloudTrailErrors.Corrupt(_source, 0, null, "it is JSON but holds no CloudTrail records.");
        }
    }

    /// <summary>Runs steps over the buffered bytes; commits reader state after each complete step.</summary>
    private Step RunBuffer()
    {
        var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(_buffer, _pos, _end - _pos), _eof, _state);
        var committed = 0L;
        var committedState = _state;
        _damageOffset = _bufferOffset + _pos;
        while (true)
        {
            var step = NextStep(ref reader);
            if (step == Step.Continue)
            {
                committed = reader.BytesConsumed;
                committedState = reader.CurrentState;
                _damageOffset = _bufferOffset + _pos + committed;
                continue;
            }

            // NeedMore and Retry rewind to the last complete step; the next reader starts there.
            _pos += (int)committed;
            _state = committedState;
            return step;
        }
    }

    /// <summary>Moves unread bytes to the front, grows the buffer if a single value fills it, reads until full or end.</summary>
    private void Fill()
    {
        var unread = _end - _pos;
        if (_pos > 0)
        {
            Buffer.BlockCopy(_buffer, _pos, _buffer, 0, unread);
            _bufferOffset += _pos;
            _pos = 0;
            _end = unread;
        }
        else if (_end == _buffer.Length)
        {
            if (_buffer.Length >= _options.MaxRecordBytes)
            {
                throw new RecordTooLargeException($"a single JSON value is larger than {_options.MaxRecordBytes} bytes.");
            }

            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, Math.Max(_options.MaxRecordBytes, _options.InitialBufferBytes)));
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        while (_end < _buffer.Length)
        {
            var n = _stream!.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0)
            {
                _eof = true;
                break;
            }

            _end += n;
        }
    }

    private Step NextStep(ref Utf8JsonReader reader)
    {
        switch (_mode)
        {
            case Mode.TopLevel:
                if (!reader.Read())
                {
                    return _eof ? Step.Done : Step.NeedMore;
                }

                _sawValue = true;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartArray:
                        _mode = Mode.RecordArray;
                        _arrayIsTopLevel = true;
                        _arrayHasValue = false;
                        return Step.Continue;
                    case JsonTokenType.StartObject:
                        if (_nextObjectIsContainer)
                        {
                            _nextObjectIsContainer = false;
                            _mode = Mode.ContainerObject;
                            return Step.Continue;
                        }

                        switch (ParseAndDeliver(ref reader, allowContainer: true))
                        {
                            case RecordParse.NeedMore:
                                return Step.NeedMore;
                            case RecordParse.ContainerDetected:
                                // {"Records":[...]} or {"Events":[...]}: read it again as a container.
                                _nextObjectIsContainer = true;
                                return Step.Retry;
                            default:
                                return Step.Continue;
                        }

                    default:
                        _outcome.ValuesIgnored++;
                        return Step.Continue;
                }

            case Mode.ContainerObject:
                if (!reader.Read())
                {
                    return Step.NeedMore;
                }

                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    _mode = Mode.TopLevel;
                    return Step.Continue;
                }

                var isContainer = reader.ValueTextEquals("Records"u8) || reader.ValueTextEquals("Events"u8);
                if (!reader.Read())
                {
                    return Step.NeedMore;
                }

                if (isContainer && reader.TokenType == JsonTokenType.StartArray)
                {
                    _mode = Mode.RecordArray;
                    _arrayIsTopLevel = false;
                    _arrayHasValue = false;
                    return Step.Continue;
                }

                // NextToken and any other member.
                return reader.TrySkip() ? Step.Continue : Step.NeedMore;

            default:
                if (_prefilter is not null && !_readerTakesNext)
                {
                    return Step.Scan;
                }

                _readerTakesNext = false;
                if (!reader.Read())
                {
                    return Step.NeedMore;
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.EndArray:
                        _mode = _arrayIsTopLevel ? Mode.TopLevel : Mode.ContainerObject;
                        return Step.Continue;
                    case JsonTokenType.StartObject:
                        if (ParseAndDeliver(ref reader, allowContainer: false) == RecordParse.NeedMore)
                        {
                            return Step.NeedMore;
                        }

                        _arrayHasValue = true;
                        return Step.Continue;
                    default:
                        if (!reader.TrySkip())
                        {
                            return Step.NeedMore;
                        }

                        _outcome.ValuesIgnored++;
                        _arrayHasValue = true;
                        return Step.Continue;
                }
        }
    }

    /// <summary>
    /// Walks the object elements of a record array without the tokenizer: each record's bounds
    /// come from <see cref="JsonObjectScanner"/>, records the prefilter rules out are counted
    /// and passed over, and the others are parsed by a fresh reader over exactly their bytes.
    /// Anything else (the closing bracket, a value that is not an object, damage between
    /// elements) is handed back to the tokenizer, which reads or reports it as before.
    /// </summary>
    [MethodImpl((MethodImplOptions)512)]
    private void ScanRecords(CancellationToken cancellationToken)
    {
        while (true)
        {
            var at = SkipWhitespace(_pos);
            var start = at;
            if (start < _end && _arrayHasValue && _buffer[start] == (byte)',')
            {
                start = SkipWhitespace(start + 1);
            }

            if (start == _end)
            {
                // The next element starts after the buffered bytes; the comma, if any, is read again.
                NeedMoreToScan(at, cancellationToken);
                continue;
            }

            if (_buffer[start] != (byte)'{' || (_arrayHasValue && start == at))
            {
                _pos = at;
                _state = _arrayIsTopLevel
                    ? (_arrayHasValue ? _arrayAfterValue : _arrayStart)
                    : (_arrayHasValue ? _containedArrayAfterValue : _containedArrayStart);
                _readerTakesNext = true;
                return;
            }

            _damageOffset = _bufferOffset + start;
            var length = _prefilter!.Measure(new ReadOnlySpan<byte>(_buffer, start, _end - start), out var mayMatch);
            if (length < 0)
            {
                NeedMoreToScan(at, cancellationToken);
                continue;
            }

            _arrayHasValue = true;
            var bytes = new ReadOnlySpan<byte>(_buffer, start, length);

            // An object that does not even name a userIdentity may be no record at all: the parse counts it as the one or the other.
            if (mayMatch || !NamesUserIdentity(bytes))
            {
                _pos = start;
                var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(_buffer, start, length), isFinalBlock: true, new JsonReaderState(_jsonOptions));
                reader.Read();
                if (ParseAndDeliver(ref reader, allowContainer: false) != RecordParse.Complete)
                {
                    throw new JsonException("The record ends early.", null, null, null);
                }
            }
            else
            {
                // Another principal's record, counted as read like one the tokenizer passes over.
                _outcome.RecordsRead++;
            }

            _pos = start + length;
        }
    }

    private static readonly byte[] UserIdentity = "userIdentity"u8.ToArray();
    private static readonly (int, int) UserIdentityAnchors = RecordPrefilter.Needle.Anchors(UserIdentity);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool NamesUserIdentity(ReadOnlySpan<byte> record) =>
        _kernels.IndexOfOrdinal is { } indexOf
            ? indexOf(record, UserIdentity, UserIdentityAnchors.Item1, UserIdentityAnchors.Item2) >= 0
            : record.IndexOf(UserIdentity) >= 0;

    /// <summary>Keeps the bytes from <paramref name="keepFrom"/> on and reads more (growing the buffer for a large record); the end of the data here is damage.</summary>
    private void NeedMoreToScan(int keepFrom, CancellationToken cancellationToken)
    {
        if (_eof)
        {
            _damageOffset = _bufferOffset + keepFrom;
            throw new JsonException("Unexpected end of data inside the record array.", null, null, null);
        }

        cancellationToken.ThrowIfCancellationRequested();
        _pos = keepFrom;
        Fill();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SkipWhitespace(int i)
    {
        while (i < _end && _buffer[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i;
    }

    private RecordParse ParseAndDeliver(ref Utf8JsonReader reader, bool allowContainer)
    {
        var ranges = default(RecordRanges);
        var result = ParseRecord(ref reader, allowContainer, earlyReject: true, ref ranges, out var record);
        if (result == RecordParse.Rejected)
        {
            _outcome.RecordsRead++;
            return RecordParse.Complete;
        }

        if (result != RecordParse.Complete)
        {
            return result;
        }

        if (record is null)
        {
            _outcome.ValuesIgnored++;
            return result;
        }

        _outcome.RecordsRead++;
        if (!_filter.Matches(record))
        {
            return result;
        }

        // Optional text is materialised only for records that passed the filter.
        if (!ranges.FromInnerEvent)
        {
            var baseOffset = _pos;
            if (_options.KeepRawJson)
            {
                record.RawJson = Encoding.UTF8.GetString(_buffer, baseOffset + ranges.RecordStart, (int)reader.BytesConsumed - ranges.RecordStart);
            }

            record.RequestParametersJson = Text(baseOffset, ranges.RequestParameters);
            record.ResponseElementsJson = Text(baseOffset, ranges.ResponseElements);
            record.AdditionalEventDataJson = Text(baseOffset, ranges.AdditionalEventData);
        }

        record.SourceLocation = _source;
        _outcome.RecordsMatched++;
        try
        {
            _sink(record);
        }
        catch (Exception ex)
        {
            // The consumer's failure, not the file's: it must not be mistaken for damage below.
            throw new SinkFailedException(ex);
        }

        return result;
    }

    private string? Text(int baseOffset, Range range) =>
        range.Length > 0 ? Encoding.UTF8.GetString(_buffer, baseOffset + range.Start, range.Length) : null;

    /// <summary>
    /// Parses the object the reader is on. Returns NeedMore when the buffer ends inside it (the
    /// caller rewinds and retries with more data). <paramref name="record"/> is null when the
    /// object is not a CloudTrail record.
    /// </summary>
    private RecordParse ParseRecord(ref Utf8JsonReader reader, bool allowContainer, bool earlyReject, ref RecordRanges ranges, out CloudTrailRecord? record)
    {
        record = null;
        ranges.RecordStart = (int)reader.TokenStartIndex;
        var rec = new CloudTrailRecord();
        CloudTrailRecord? inner = null;
        LookupFields lookup = default;
        var rejected = false;
        while (true)
        {
            if (!reader.Read())
            {
                return RecordParse.NeedMore;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var field = Classify(ref reader);
            if (!reader.Read())
            {
                return RecordParse.NeedMore;
            }

            if (rejected && field != Field.Container)
            {
                // Another principal's record: only walk past the rest of it.
                if (!reader.TrySkip())
                {
                    return RecordParse.NeedMore;
                }

                continue;
            }

            var token = reader.TokenType;
            var isContainerValue = token is JsonTokenType.StartObject or JsonTokenType.StartArray;
            switch (field)
            {
                case Field.UserIdentity when token == JsonTokenType.StartObject:
                    if (!ParseIdentity(ref reader, rec.Identity))
                    {
                        return RecordParse.NeedMore;
                    }

                    rejected = earlyReject && _filter.HasIdentityCriteria && !_filter.MatchesIdentity(rec.Identity);
                    continue;
                case Field.Resources when token == JsonTokenType.StartArray:
                    if (!ParseResources(ref reader, rec))
                    {
                        return RecordParse.NeedMore;
                    }

                    continue;
                case Field.RequestParameters:
                    if (!Capture(ref reader, _options.CaptureRequestParameters, ref ranges.RequestParameters))
                    {
                        return RecordParse.NeedMore;
                    }

                    continue;
                case Field.ResponseElements:
                    if (!Capture(ref reader, _options.CaptureResponseElements, ref ranges.ResponseElements))
                    {
                        return RecordParse.NeedMore;
                    }

                    continue;
                case Field.AdditionalEventData:
                    if (!Capture(ref reader, _options.CaptureAdditionalEventData, ref ranges.AdditionalEventData))
                    {
                        return RecordParse.NeedMore;
                    }

                    continue;
                case Field.Container when allowContainer && token == JsonTokenType.StartArray:
                    return RecordParse.ContainerDetected;
                case Field.CloudTrailEvent when token == JsonTokenType.String:
                    inner = ParseInnerEvent(ref reader);
                    continue;
            }

            if (isContainerValue)
            {
                if (!reader.TrySkip())
                {
                    return RecordParse.NeedMore;
                }

                continue;
            }

            switch (field)
            {
                case Field.EventVersion:
                    rec.EventVersion = Str(ref reader);
                    break;
                case Field.EventTime:
                    rec.EventTime = Time(ref reader);
                    break;
                case Field.EventSource:
                    rec.EventSource = Str(ref reader) ?? string.Empty;
                    break;
                case Field.EventName:
                    rec.EventName = Str(ref reader) ?? string.Empty;
                    break;
                case Field.AwsRegion:
                    rec.AwsRegion = Str(ref reader);
                    break;
                case Field.SourceIpAddress:
                    rec.SourceIpAddress = Unique(ref reader);
                    break;
                case Field.UserAgent:
                    rec.UserAgent = Str(ref reader);
                    break;
                case Field.ErrorCode:
                    rec.ErrorCode = Str(ref reader);
                    break;
                case Field.ErrorMessage:
                    rec.ErrorMessage = Unique(ref reader);
                    break;
                case Field.RequestId:
                    rec.RequestId = Unique(ref reader);
                    break;
                case Field.EventId:
                    rec.EventId = Unique(ref reader);
                    break;
                case Field.ReadOnly:
                    rec.ReadOnly = Bool(ref reader);
                    break;
                case Field.EventType:
                    rec.EventType = Str(ref reader);
                    break;
                case Field.ManagementEvent:
                    rec.ManagementEvent = Bool(ref reader);
                    break;
                case Field.RecipientAccountId:
                    rec.RecipientAccountId = Str(ref reader);
                    break;
                case Field.EventCategory:
                    rec.EventCategory = Str(ref reader);
                    break;
                case Field.SharedEventId:
                    rec.SharedEventId = Unique(ref reader);
                    break;
                case Field.VpcEndpointId:
                    rec.VpcEndpointId = Str(ref reader);
                    break;
                case Field.LookupEventName:
                    lookup.EventName = Str(ref reader);
                    break;
                case Field.LookupEventSource:
                    lookup.EventSource = Str(ref reader);
                    break;
                case Field.LookupEventTime:
                    lookup.EventTime = Time(ref reader);
                    break;
                case Field.LookupUsername:
                    lookup.Username = Str(ref reader);
                    break;
                case Field.LookupAccessKeyId:
                    lookup.AccessKeyId = Unique(ref reader);
                    break;
                case Field.LookupEventId:
                    lookup.EventId = Unique(ref reader);
                    break;
                case Field.LookupReadOnly:
                    lookup.ReadOnly = Bool(ref reader);
                    break;
            }
        }

        if (rejected)
        {
            return RecordParse.Rejected;
        }

        if (inner is not null)
        {
            // Event history / LookupEvents: the record is the CloudTrailEvent string; its own fields win.
            ranges.FromInnerEvent = true;
            rec = inner;
        }

        lookup.ApplyTo(rec);
        if (rec.EventName.Length == 0 && rec.EventSource.Length == 0)
        {
            return RecordParse.Complete;
        }

        record = rec;
        return RecordParse.Complete;
    }

    /// <summary>Parses the escaped JSON text of a LookupEvents <c>CloudTrailEvent</c> member.</summary>
    private CloudTrailRecord? ParseInnerEvent(ref Utf8JsonReader outer)
    {
        var escapedLength = outer.ValueSpan.Length;
        var bytes = ArrayPool<byte>.Shared.Rent(Math.Max(escapedLength, 16));
        try
        {
            var length = outer.CopyString(bytes);
            var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(bytes, 0, length), isFinalBlock: true, new JsonReaderState(_jsonOptions));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            var ranges = default(RecordRanges);
            ParseRecord(ref reader, allowContainer: false, earlyReject: false, ref ranges, out var record);
            if (record is null)
            {
                return null;
            }

            if (reader.Read())
            {
                throw new JsonException("Unexpected data after the CloudTrailEvent record.", null, null, null);
            }

            // Inner text is short-lived (the buffer goes back to the pool), so it is materialised here.
            if (_options.KeepRawJson)
            {
                record.RawJson = Encoding.UTF8.GetString(bytes, 0, length);
            }

            record.RequestParametersJson = ranges.RequestParameters.Length > 0 ? Encoding.UTF8.GetString(bytes, ranges.RequestParameters.Start, ranges.RequestParameters.Length) : null;
            record.ResponseElementsJson = ranges.ResponseElements.Length > 0 ? Encoding.UTF8.GetString(bytes, ranges.ResponseElements.Start, ranges.ResponseElements.Length) : null;
            record.AdditionalEventDataJson = ranges.AdditionalEventData.Length > 0 ? Encoding.UTF8.GetString(bytes, ranges.AdditionalEventData.Start, ranges.AdditionalEventData.Length) : null;
            return record;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Skips a value, remembering where its text is when asked to capture it (JSON null is "absent").</summary>
    private static bool Capture(ref Utf8JsonReader reader, bool capture, ref Range range)
    {
        var start = (int)reader.TokenStartIndex;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (!reader.TrySkip())
        {
            return false;
        }

        if (capture)
        {
            range = new Range(start, (int)reader.BytesConsumed - start);
        }

        return true;
    }

    /// <summary>
    /// Reads the next member of the object the reader is in (userIdentity, sessionContext and
    /// its objects, a resource): its name, then the first token of its value.
    /// </summary>
    private static Member NextMember(ref Utf8JsonReader reader, out IdField name)
    {
        name = IdField.Unknown;
        if (!reader.Read())
        {
            return Member.NeedMore;
        }

        if (reader.TokenType == JsonTokenType.EndObject)
        {
            return Member.End;
        }

        name = IdentityField(ref reader);
        return reader.Read() ? Member.Value : Member.NeedMore;
    }

    private bool ParseIdentity(ref Utf8JsonReader reader, UserIdentity identity)
    {
        while (true)
        {
            switch (NextMember(ref reader, out var name))
            {
                case Member.End:
                    return true;
                case Member.NeedMore:
                    return false;
            }

            if (name == IdField.SessionContext && reader.TokenType == JsonTokenType.StartObject)
            {
                if (!ParseSessionContext(ref reader, identity))
                {
                    return false;
                }

                continue;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                if (!reader.TrySkip())
                {
                    return false;
                }

                continue;
            }

            switch (name)
            {
                case IdField.Type:
                    identity.Type = Str(ref reader);
                    break;
                case IdField.PrincipalId:
                    identity.PrincipalId = Unique(ref reader);
                    break;
                case IdField.Arn:
                    identity.Arn = Str(ref reader);
                    break;
                case IdField.AccountId:
                    identity.AccountId = Str(ref reader);
                    break;
                case IdField.AccessKeyId:
                    identity.AccessKeyId = Unique(ref reader);
                    break;
                case IdField.UserName:
                    identity.UserName = Str(ref reader);
                    break;
                case IdField.InvokedBy:
                    identity.InvokedBy = Str(ref reader);
                    break;
            }
        }
    }

    private bool ParseSessionContext(ref Utf8JsonReader reader, UserIdentity identity)
    {
        while (true)
        {
            switch (NextMember(ref reader, out var member))
            {
                case Member.End:
                    return true;
                case Member.NeedMore:
                    return false;
            }

            var isIssuer = member == IdField.SessionIssuer;
            var isAttributes = member == IdField.Attributes;

            if (reader.TokenType != JsonTokenType.StartObject || !(isIssuer || isAttributes))
            {
                if (!reader.TrySkip())
                {
                    return false;
                }

                continue;
            }

            while (true)
            {
                var next = NextMember(ref reader, out var name);
                if (next == Member.NeedMore)
                {
                    return false;
                }

                if (next == Member.End)
                {
                    break;
                }

                var isMfa = isAttributes && name == IdField.MfaAuthenticated;
                var isCreation = isAttributes && name == IdField.CreationDate;

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    if (!reader.TrySkip())
                    {
                        return false;
                    }

                    continue;
                }

                if (isAttributes)
                {
                    if (isMfa)
                    {
                        identity.MfaAuthenticated = Bool(ref reader);
                    }
                    else if (isCreation)
                    {
                        var created = Time(ref reader);
                        identity.SessionCreationDate = created == default ? null : created;
                    }

                    continue;
                }

                // sessionIssuer is {} for IAM users: only create it when it has content.
                switch (name)
                {
                    case IdField.Type:
                        (identity.SessionIssuer ??= new SessionIssuer()).Type = Str(ref reader);
                        break;
                    case IdField.PrincipalId:
                        (identity.SessionIssuer ??= new SessionIssuer()).PrincipalId = Str(ref reader);
                        break;
                    case IdField.Arn:
                        (identity.SessionIssuer ??= new SessionIssuer()).Arn = Str(ref reader);
                        break;
                    case IdField.AccountId:
                        (identity.SessionIssuer ??= new SessionIssuer()).AccountId = Str(ref reader);
                        break;
                    case IdField.UserName:
                        (identity.SessionIssuer ??= new SessionIssuer()).UserName = Str(ref reader);
                        break;
                }
            }
        }
    }

    private bool ParseResources(ref Utf8JsonReader reader, CloudTrailRecord record)
    {
        List<CloudTrailResource>? list = null;
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndArray)
            {
                if (list is not null)
                {
                    record.Resources = list;
                }

                return true;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                if (!reader.TrySkip())
                {
                    return false;
                }

                continue;
            }

            string? arn = null, account = null, type = null, arnPrefix = null;
            while (true)
            {
                var next = NextMember(ref reader, out var name);
                if (next == Member.NeedMore)
                {
                    return false;
                }

                if (next == Member.End)
                {
                    break;
                }

                // CloudTrail writes "ARN"; S3 data events on prefixes write "ARNPrefix".
                var which = name switch
                {
                    IdField.ResourceArn or IdField.Arn => 1,
                    IdField.AccountId => 2,
                    IdField.Type => 3,
                    IdField.ArnPrefix => 4,
                    _ => 0,
                };

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    if (!reader.TrySkip())
                    {
                        return false;
                    }

                    continue;
                }

                switch (which)
                {
                    case 1:
                        arn = Unique(ref reader);
                        break;
                    case 2:
                        account = Str(ref reader);
                        break;
                    case 3:
                        type = Str(ref reader);
                        break;
                    case 4:
                        arnPrefix = Unique(ref reader);
                        break;
                }
            }

            (list ??= new List<CloudTrailResource>(2)).Add(new CloudTrailResource(arn, account, type) { ArnPrefix = arnPrefix });
        }
    }

    /// <summary>A short, repeating string value (interned per thread); numbers and booleans as their text.</summary>
    private string? Str(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.ValueIsEscaped ? reader.GetString() : _strings.Get(reader.ValueSpan);
            case JsonTokenType.Number:
                return _strings.Get(reader.ValueSpan);
            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            default:
                return null;
        }
    }

    /// <summary>
    /// A value with too many distinct values to be worth caching (ids, session principals,
    /// temporary keys, IP addresses, object ARNs): caching them would only churn the cache.
    /// </summary>
    private static string? Unique(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString() : null;

    private static bool? Bool(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.String:
                // LookupEvents' ReadOnly and sessionContext.attributes.mfaAuthenticated are strings.
                if (reader.ValueTextEquals("true"u8) || reader.ValueTextEquals("True"u8))
                {
                    return true;
                }

                return reader.ValueTextEquals("false"u8) || reader.ValueTextEquals("False"u8) ? false : null;
            default:
                return null;
        }
    }

    private static DateTimeOffset Time(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            if (reader.TryGetDateTimeOffset(out var value))
            {
                return value.ToUniversalTime();
            }

            // Event history exports write "2022-02-08 09:23:37+11:00".
            var text = reader.GetString();
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
                ? parsed
                : default;
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var seconds) && seconds > 0 && seconds < 253402300799)
        {
            // The LookupEvents API returns EventTime as epoch seconds.
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        }

        return default;
    }

    private static Field Classify(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            var name = reader.GetString() ?? string.Empty;
            return Classify(Encoding.UTF8.GetBytes(name));
        }

        return Classify(reader.ValueSpan);
    }

    private static Field Classify(ReadOnlySpan<byte> n)
    {
        switch (n.Length)
        {
            case 6:
                return n.SequenceEqual("Events"u8) ? Field.Container : Field.Unknown;
            case 7:
                return n.SequenceEqual("eventID"u8) ? Field.EventId
                    : n.SequenceEqual("Records"u8) ? Field.Container
                    : n.SequenceEqual("EventId"u8) ? Field.LookupEventId
                    : Field.Unknown;
            case 8:
                return n.SequenceEqual("readOnly"u8) ? Field.ReadOnly
                    : n.SequenceEqual("Username"u8) ? Field.LookupUsername
                    : n.SequenceEqual("ReadOnly"u8) ? Field.LookupReadOnly
                    : Field.Unknown;
            case 9:
                return n.SequenceEqual("eventTime"u8) ? Field.EventTime
                    : n.SequenceEqual("eventName"u8) ? Field.EventName
                    : n.SequenceEqual("awsRegion"u8) ? Field.AwsRegion
                    : n.SequenceEqual("userAgent"u8) ? Field.UserAgent
                    : n.SequenceEqual("errorCode"u8) ? Field.ErrorCode
                    : n.SequenceEqual("requestID"u8) ? Field.RequestId
                    : n.SequenceEqual("eventType"u8) ? Field.EventType
                    : n.SequenceEqual("resources"u8) ? Field.Resources
                    : n.SequenceEqual("EventName"u8) ? Field.LookupEventName
                    : n.SequenceEqual("EventTime"u8) ? Field.LookupEventTime
                    : Field.Unknown;
            case 11:
                return n.SequenceEqual("eventSource"u8) ? Field.EventSource
                    : n.SequenceEqual("EventSource"u8) ? Field.LookupEventSource
                    : n.SequenceEqual("AccessKeyId"u8) ? Field.LookupAccessKeyId
                    : Field.Unknown;
            case 12:
                return n.SequenceEqual("userIdentity"u8) ? Field.UserIdentity
                    : n.SequenceEqual("eventVersion"u8) ? Field.EventVersion
                    : n.SequenceEqual("errorMessage"u8) ? Field.ErrorMessage
                    : Field.Unknown;
            case 13:
                return n.SequenceEqual("eventCategory"u8) ? Field.EventCategory
                    : n.SequenceEqual("sharedEventID"u8) ? Field.SharedEventId
                    : n.SequenceEqual("vpcEndpointId"u8) ? Field.VpcEndpointId
                    : Field.Unknown;
            case 15:
                return n.SequenceEqual("sourceIPAddress"u8) ? Field.SourceIpAddress
                    : n.SequenceEqual("managementEvent"u8) ? Field.ManagementEvent
                    : n.SequenceEqual("CloudTrailEvent"u8) ? Field.CloudTrailEvent
                    : Field.Unknown;
            case 16:
                return n.SequenceEqual("responseElements"u8) ? Field.ResponseElements : Field.Unknown;
            case 17:
                return n.SequenceEqual("requestParameters"u8) ? Field.RequestParameters : Field.Unknown;
            case 18:
                return n.SequenceEqual("recipientAccountId"u8) ? Field.RecipientAccountId : Field.Unknown;
            case 19:
                return n.SequenceEqual("additionalEventData"u8) ? Field.AdditionalEventData : Field.Unknown;
            default:
                return Field.Unknown;
        }
    }

    /// <summary>Member names of userIdentity, sessionIssuer, attributes and resources, by length first (hot path).</summary>
    private static IdField IdentityField(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            return IdentityField(Encoding.UTF8.GetBytes(reader.GetString() ?? string.Empty));
        }

        return IdentityField(reader.ValueSpan);
    }

    private static IdField IdentityField(ReadOnlySpan<byte> n)
    {
        switch (n.Length)
        {
            case 3:
                return n.SequenceEqual("arn"u8) ? IdField.Arn : n.SequenceEqual("ARN"u8) ? IdField.ResourceArn : IdField.Unknown;
            case 4:
                return n.SequenceEqual("type"u8) ? IdField.Type : IdField.Unknown;
            case 8:
                return n.SequenceEqual("userName"u8) ? IdField.UserName : IdField.Unknown;
            case 9:
                return n.SequenceEqual("accountId"u8) ? IdField.AccountId
                    : n.SequenceEqual("invokedBy"u8) ? IdField.InvokedBy
                    : n.SequenceEqual("ARNPrefix"u8) ? IdField.ArnPrefix
                    : IdField.Unknown;
            case 10:
                return n.SequenceEqual("attributes"u8) ? IdField.Attributes : IdField.Unknown;
            case 11:
                return n.SequenceEqual("principalId"u8) ? IdField.PrincipalId
                    : n.SequenceEqual("accessKeyId"u8) ? IdField.AccessKeyId
                    : IdField.Unknown;
            case 12:
                return n.SequenceEqual("creationDate"u8) ? IdField.CreationDate : IdField.Unknown;
            case 13:
                return n.SequenceEqual("sessionIssuer"u8) ? IdField.SessionIssuer : IdField.Unknown;
            case 14:
                return n.SequenceEqual("sessionContext"u8) ? IdField.SessionContext : IdField.Unknown;
            case 16:
                return n.SequenceEqual("mfaAuthenticated"u8) ? IdField.MfaAuthenticated : IdField.Unknown;
            default:
                return IdField.Unknown;
        }
    }

    private enum Field
    {
        Unknown,
        Container,
        EventVersion,
        UserIdentity,
        EventTime,
        EventSource,
        EventName,
        AwsRegion,
        SourceIpAddress,
        UserAgent,
        ErrorCode,
        ErrorMessage,
        RequestParameters,
        ResponseElements,
        AdditionalEventData,
        RequestId,
        EventId,
        ReadOnly,
        EventType,
        ManagementEvent,
        RecipientAccountId,
        EventCategory,
        SharedEventId,
        VpcEndpointId,
        Resources,
        CloudTrailEvent,
        LookupEventName,
        LookupEventSource,
        LookupEventTime,
        LookupUsername,
        LookupAccessKeyId,
        LookupEventId,
        LookupReadOnly,
    }

    private enum Member
    {
        /// <summary>The reader is on the first token of a member's value.</summary>
        Value,

        /// <summary>The reader is on the object's end.</summary>
        End,
        NeedMore,
    }

    private enum IdField
    {
        Unknown,
        Type,
        PrincipalId,
        Arn,
        AccountId,
        AccessKeyId,
        UserName,
        InvokedBy,
        SessionContext,
        SessionIssuer,
        Attributes,
        MfaAuthenticated,
        CreationDate,
        ResourceArn,
        ArnPrefix,
    }

    private struct Range
    {
        public Range(int start, int length)
        {
            Start = start;
            Length = length;
        }

        public int Start { get; }

        public int Length { get; }
    }

    private struct RecordRanges
    {
        public int RecordStart;
        public bool FromInnerEvent;
        public Range RequestParameters;
        public Range ResponseElements;
        public Range AdditionalEventData;
    }

    /// <summary>Event history's own PascalCase fields: used only where the record itself says nothing.</summary>
    private struct LookupFields
    {
        public string? EventName;
        public string? EventSource;
        public DateTimeOffset? EventTime;
        public string? Username;
        public string? AccessKeyId;
        public string? EventId;
        public bool? ReadOnly;

        public readonly void ApplyTo(CloudTrailRecord record)
        {
            if (record.EventName.Length == 0 && EventName is not null)
            {
                record.EventName = EventName;
            }

            if (record.EventSource.Length == 0 && EventSource is not null)
            {
                record.EventSource = EventSource;
            }

            if (record.EventTime == default && EventTime is { } time)
            {
                record.EventTime = time;
            }

            record.EventId ??= EventId;
            record.ReadOnly ??= ReadOnly;
            record.Identity.UserName ??= Username;
            record.Identity.AccessKeyId ??= AccessKeyId;
        }
    }

    private sealed class SinkFailedException : Exception
    {
        public SinkFailedException(Exception inner)
            : base(inner.Message, inner)
        {
        }
    }

    private sealed class RecordTooLargeException : Exception
    {
        public RecordTooLargeException(string message)
            : base(message)
        {
        }
    }
}
