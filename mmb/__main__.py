from mmb.entry import main

main()
