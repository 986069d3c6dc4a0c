Console.WriteLine("localdapr: not built yet");
