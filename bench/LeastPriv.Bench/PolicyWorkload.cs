namespace LeastPriv.Bench;

/// <summary>The measured side: the same engine call ConvertTo-LPPolicy -Path makes.</summary>
internal static class PolicyWorkload
{
    public static string Run(string root, string? user) => throw new NotSupportedException("wired once the generator lands");
}
