namespace LeastPriv.Emulator;

/// <summary>The stand-in could not start or was misconfigured (missing moto, bad flag).</summary>
public sealed class StandInException : Exception
{
    public StandInException(string message)
        : base(message)
    {
    }

    public StandInException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
