System.Console.WriteLine("LeastPriv emulator");
