using LeastPriv.Emulator;

return await StandInCommandLine.RunAsync(args).ConfigureAwait(false);
