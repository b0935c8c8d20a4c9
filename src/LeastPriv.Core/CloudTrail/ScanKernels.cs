namespace LeastPriv.Core.CloudTrail;

/// <summary>
/// The record scan's hot loops: an object's length, and needle searches with and without case.
/// <see cref="Current"/> is bound once per process: on .NET 8 and later the vectorized loops of
/// <c>LeastPriv.Core.Vectorized</c> (shipped beside this assembly), otherwise, or when that
/// assembly cannot be loaded, <see cref="Portable"/>. Both keep the same contract; the tests
/// hold the vectorized loops to the portable ones. <c>LEASTPRIV_SCAN=portable</c> forces the
/// portable ones.
/// </summary>
internal sealed class ScanKernels
{
    internal const string VectorizedType = "LeastPriv.Core.Vectorized.JsonScanKernels, LeastPriv.Core.Vectorized";

    internal const string ScanVariable = "LEASTPRIV_SCAN";

    private ScanKernels(ObjectLengthKernel objectLength, IndexOfKernel? indexOfIgnoreAsciiCase, IndexOfKernel? indexOfOrdinal, ScanRecordKernel? scanRecord, string description)
    {
        ObjectLength = objectLength;
        ScanRecord = scanRecord;
        IndexOfIgnoreAsciiCase = indexOfIgnoreAsciiCase;
        IndexOfOrdinal = indexOfOrdinal;
        Description = description;
    }

    internal delegate int ObjectLengthKernel(ReadOnlySpan<byte> json, out bool hasBackslash);

    internal delegate int IndexOfKernel(ReadOnlySpan<byte> text, ReadOnlySpan<byte> needle, int anchor1, int anchor2);

    internal delegate int ScanRecordKernel(ReadOnlySpan<byte> json, ReadOnlySpan<byte> lowerNeedle, int anchor1, int anchor2, ulong nameCharactersLow, ulong nameCharactersHigh, out int flags);

    /// <summary>Flags of <see cref="ScanRecord"/> (the values of LeastPriv.Core.Vectorized.JsonScan).</summary>
    internal const int BackslashFlag = 1;
    internal const int NeedleFlag = 2;
    internal const int HidingEscapeFlag = 4;

    /// <summary>The farthest anchor <see cref="ScanRecord"/> takes.</summary>
    internal const int MaxAnchor = 127;

    /// <summary>The loops of this assembly alone (what Windows PowerShell 5.1 runs).</summary>
    public static ScanKernels Portable { get; } = new(JsonObjectScanner.ObjectLength, null, null, null, "portable");

    /// <summary>The loops this process reads with.</summary>
    public static ScanKernels Current { get; } = LoadVectorized() ?? Portable;

    /// <summary>See <see cref="JsonObjectScanner.ObjectLength"/>.</summary>
    public ObjectLengthKernel ObjectLength { get; }

    /// <summary>
    /// Where a lower-case ASCII needle first occurs, letters compared without case, trying the
    /// positions where its bytes at the two anchors match; null in the portable set, whose
    /// needles search in their own way.
    /// </summary>
    public IndexOfKernel? IndexOfIgnoreAsciiCase { get; }

    /// <summary>Where a needle first occurs byte for byte, anchored as above; null in the portable set.</summary>
    public IndexOfKernel? IndexOfOrdinal { get; }

    /// <summary>
    /// An object's length and, in the same pass, whether it holds one needle (ASCII case
    /// ignored) or an escape that could hide one of the needle's characters; null in the
    /// portable set.
    /// </summary>
    public ScanRecordKernel? ScanRecord { get; }

    /// <summary>Which loops these are, for diagnostics: "portable" or "vectorized (Vector512)" and the like.</summary>
    public string Description { get; }

    public override string ToString() => Description;

    private static ScanKernels? LoadVectorized()
    {
        if (Environment.Version.Major < 8
            || string.Equals(Environment.GetEnvironmentVariable(ScanVariable), "portable", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var type = Type.GetType(VectorizedType, throwOnError: false);
            if (type is null)
            {
                return null;
            }

            // Bound to an instance: such delegates call straight through.
            var target = Activator.CreateInstance(type)!;
            var objectLength = (ObjectLengthKernel)Delegate.CreateDelegate(typeof(ObjectLengthKernel), target, "ObjectLength");
            var ignoreCase = (IndexOfKernel)Delegate.CreateDelegate(typeof(IndexOfKernel), target, "IndexOfIgnoreAsciiCase");
            var ordinal = (IndexOfKernel)Delegate.CreateDelegate(typeof(IndexOfKernel), target, "IndexOfOrdinal");
            var scanRecord = (ScanRecordKernel)Delegate.CreateDelegate(typeof(ScanRecordKernel), target, "ScanRecord");
            var width = type.Assembly.GetType("LeastPriv.Core.Vectorized.JsonScan")?.GetProperty("Width")?.GetValue(null) as string;
            return new ScanKernels(objectLength, ignoreCase, ordinal, scanRecord, $"vectorized ({width})");
        }
        catch (Exception e) when (e is FileLoadException or FileNotFoundException or BadImageFormatException or TypeLoadException or ArgumentException or MissingMethodException or MethodAccessException or MemberAccessException or System.Reflection.TargetInvocationException)
        {
            return null;
        }
    }
}
